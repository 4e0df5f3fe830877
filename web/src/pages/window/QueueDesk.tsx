/** 叫号 at the clerk's window: call the next ticket, 重呼, 过号, 转窗口, and 办结 with the case numbers received. */
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { api, errorText, pathPart, type Ticket, type WindowQueue } from '../../api.ts';

export function QueueDesk({ suggestedCaseNo }: { suggestedCaseNo?: string | undefined }) {
  const [queue, setQueue] = useState<WindowQueue>();
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  // What the clerk typed, for the case last received here; a newly received case is offered again.
  const [typed, setTyped] = useState<{ for: string | undefined; text: string }>();
  const caseNos = typed && typed.for === suggestedCaseNo ? typed.text : (suggestedCaseNo ?? '');
  const setCaseNos = (text: string) => setTyped({ for: suggestedCaseNo, text });
  const [target, setTarget] = useState('');

  const load = useCallback(() => {
    api<WindowQueue>('/queue/window').then(setQueue, (e: unknown) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);

  async function act(path: string, body: unknown, done: (ticket: Ticket | undefined) => string) {
    setError(undefined);
    try {
      const ticket = await api<Ticket | undefined>(path, { method: 'POST', ...(body ? { body } : {}) });
      setNote(done(ticket));
      load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  const current = queue?.current;
  const number = current ? pathPart(current.number) : '';
  return (
    <Card size="small" title="叫号" style={{ marginBottom: 16 }}>
      {error && (
        <Alert type="error" showIcon role="alert" title="操作失败" description={error} style={{ marginBottom: 8 }} />
      )}
      <p>
        本窗口可叫等候 <strong data-testid="queue-waiting">{queue?.waiting ?? '—'}</strong> 人
        {current && (
          <>
            ；正在办理 <strong data-testid="queue-current">{current.number}</strong>（已呼叫 {current.callCount} 次）
          </>
        )}
      </p>
      {note && (
        <Typography.Paragraph role="status" data-testid="queue-note">
          {note}
        </Typography.Paragraph>
      )}
      {current ? (
        <Space wrap>
          <Button onClick={() => act(`/queue/tickets/${number}/recall`, undefined, (t) => `已重呼 ${t?.number ?? ''}`)}>
            重呼
          </Button>
          <Button
            disabled={current.callCount < (queue?.callsBeforeNoShow ?? 1)}
            onClick={() => act(`/queue/tickets/${number}/no-show`, undefined, (t) => `${t?.number ?? ''} 已过号`)}
          >
            过号
          </Button>
          <Input
            aria-label="转到窗口"
            placeholder="窗口，如 W02"
            value={target}
            onChange={(e) => setTarget(e.target.value.trim())}
            style={{ width: 140 }}
          />
          <Button
            disabled={!target}
            onClick={() =>
              act(`/queue/tickets/${number}/transfer`, { window: target }, (t) => `${t?.number ?? ''} 已转到 ${target}`)
            }
          >
            转窗口
          </Button>
          <Input
            aria-label="受理的办件编号"
            placeholder="办件编号，多个用空格分隔"
            value={caseNos}
            onChange={(e) => setCaseNos(e.target.value)}
            style={{ width: 320 }}
          />
          <Button
            type="primary"
            onClick={() =>
              act(
                `/queue/tickets/${number}/served`,
                { caseNos: [...new Set(caseNos.split(/[\s,，]+/).filter(Boolean))] },
                (t) => {
                  setCaseNos('');
                  return `${t?.number ?? ''} 已办结${t?.caseNos.length ? `，关联办件 ${t.caseNos.join('、')}` : ''}`;
                },
              )
            }
          >
            办结
          </Button>
        </Space>
      ) : (
        <Button
          type="primary"
          onClick={() => act('/queue/next', undefined, (t) => (t ? `请 ${t.number} 号到本窗口` : '当前无人等候'))}
        >
          叫号
        </Button>
      )}
    </Card>
  );
}
