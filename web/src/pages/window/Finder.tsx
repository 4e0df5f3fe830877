import { useEffect, useMemo, useState } from 'react';
import { Alert, Card, Input, List, Tag } from 'antd';
import { api, errorText } from '../../api.ts';
import { entries, matches, type Choice, type Entry, type MatterSummary, type Theme } from './catalogue.ts';

/** Find a matter or a theme by name, code or pinyin initials (开办餐馆 → kbcg). */
export function Finder({ onChoose }: { onChoose: (choice: Choice) => void }) {
  const [all, setAll] = useState<Entry[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();

  useEffect(() => {
    Promise.all([api<MatterSummary[]>('/matters'), api<Theme[]>('/themes')]).then(
      ([m, t]) => setAll(entries(m, t)),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  const found = useMemo(() => all.filter((e) => matches(e, text)), [all, text]);
  return (
    <Card title="查找事项" size="small" style={{ marginBottom: 16 }}>
      <label htmlFor="matter-search">事项名称、编码或拼音首字母</label>
      <Input.Search
        id="matter-search"
        placeholder="如：开办餐馆 / OUTDOOR_AD_PERMIT / hwgg"
        allowClear
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={{ margin: '8px 0 12px' }}
      />
      {error && <Alert type="error" showIcon title="目录读取失败" description={error} />}
      <List
        size="small"
        aria-label="查找结果"
        dataSource={found}
        pagination={found.length > 8 ? { pageSize: 8, size: 'small' } : false}
        renderItem={(e) => (
          <List.Item key={`${e.kind}-${e.code}`}>
            <a
              href={`#${e.code}`}
              onClick={(event) => {
                event.preventDefault();
                onChoose(e);
              }}
            >
              {e.label}
            </a>
            <span>
              {e.kind === 'theme' && <Tag color="#5b2a86">{e.matterCodes.length} 个事项</Tag>}
              <span className="mono">{e.code}</span>
            </span>
          </List.Item>
        )}
      />
    </Card>
  );
}
