/**
 * 叫号屏 (/board, for a large screen): the latest call large, the calls before it by window, the waiting per line.
 * Live over server-sent events (GET /queue/board/stream); each call and 重呼 is read aloud in Chinese by the browser's
 * speech synthesis once the screen's operator has switched it on (browsers speak only after a user's gesture), and
 * shown in a live region either way.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Table, Typography } from 'antd';
import { api, errorText, type Board as BoardAnswer } from '../../api.ts';
import { usePageTitle } from '../../usePageTitle.ts';

const canSpeak = () =>
  typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;

function speak(text: string) {
  if (!canSpeak()) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = 'zh-CN';
  utterance.rate = 0.9;
  window.speechSynthesis.speak(utterance);
}

export function Board() {
  usePageTitle('叫号屏');
  const [board, setBoard] = useState<BoardAnswer>();
  const [error, setError] = useState<string>();
  const [voice, setVoice] = useState(false);
  const [lastSaid, setLastSaid] = useState('');
  // The stream's listener is set up once: it reads the switch through a ref.
  const voiceRef = useRef(voice);
  useEffect(() => {
    voiceRef.current = voice;
  }, [voice]);

  const load = useCallback(() => {
    api<BoardAnswer>('/queue/board').then(
      (answer) => {
        setBoard(answer);
        setError(undefined);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  useEffect(() => {
    load();
    const source = new EventSource('/queue/board/stream');
    source.addEventListener('call', (event) => {
      const call = JSON.parse((event as MessageEvent<string>).data) as { announcement?: string };
      if (call.announcement) {
        setLastSaid(call.announcement);
        if (voiceRef.current) speak(call.announcement);
      }
      load();
    });
    source.addEventListener('change', load);
    // After a lost connection EventSource reconnects by itself; calls missed meanwhile come with the reload.
    source.addEventListener('open', load);
    return () => source.close();
  }, [load]);

  const [latest, ...earlier] = board?.calls ?? [];
  return (
    <div className="board">
      <Typography.Title level={1} className="board-title">
        叫号屏
      </Typography.Title>
      {error && <Alert type="error" showIcon title="叫号信息读取失败" description={error} />}
      <div className="board-voice">
        {canSpeak() ? (
          <Button onClick={() => setVoice((v) => !v)} aria-pressed={voice}>
            {voice ? '关闭语音播报' : '开启语音播报'}
          </Button>
        ) : (
          <span>此浏览器不支持语音播报</span>
        )}
      </div>
      <section aria-label="当前叫号" className="board-latest">
        {latest ? (
          <p>
            请 <strong data-testid="board-number">{latest.number}</strong> 号到{' '}
            <strong data-testid="board-window">{latest.window}</strong> 窗口办理
          </p>
        ) : (
          <p>暂无叫号</p>
        )}
      </section>
      <p className="board-said" aria-live="assertive" data-testid="board-announcement">
        {lastSaid}
      </p>
      <div className="board-lists">
        <Table
          className="board-table"
          size="large"
          pagination={false}
          rowKey={(c) => `${c.number}-${c.window}`}
          dataSource={earlier}
          caption="最近叫号"
          columns={[
            { title: '票号', dataIndex: 'number' },
            { title: '窗口', dataIndex: 'window' },
          ]}
        />
        <Table
          className="board-table"
          size="large"
          pagination={false}
          rowKey="line"
          dataSource={(board?.waiting ?? []).filter((w) => w.waiting > 0)}
          caption="等候人数"
          columns={[
            { title: '业务', dataIndex: 'name', render: (name: string, w) => `${w.letter} ${name}` },
            { title: '等候', dataIndex: 'waiting' },
          ]}
        />
      </div>
    </div>
  );
}
