import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Form, Input, Space, Tag } from 'antd';
import { api, errorText, pathPart, type FollowUpRow } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

/** One follow-up: the department's answer (整改情况), or an appeal of the rating (申诉) for a supervisor to decide. */
function FollowUpItem({ row, onDone }: { row: FollowUpRow; onDone: () => void }) {
  const { message } = AntApp.useApp();
  const { submit, error, sending } = useSubmit();
  const [mode, setMode] = useState<'reply' | 'appeal'>();
  const send = (values: { text: string }) =>
    submit(async (key) => {
      const path =
        mode === 'reply'
          ? `/applications/${pathPart(row.caseNo)}/follow-up/reply`
          : `/applications/${pathPart(row.caseNo)}/rating/appeal`;
      const body =
        mode === 'reply'
          ? { department: row.department, text: values.text.trim() }
          : { department: row.department, reason: values.text.trim() };
      await api(path, { method: 'POST', headers: { 'idempotency-key': key }, body });
      message.success(mode === 'reply' ? '整改情况已答复' : '申诉已提交，等待电子监察人员处理');
      onDone();
    });
  return (
    <li>
      <Space wrap>
        <strong>{row.caseNo}</strong>
        <Tag color={row.level === 'very_dissatisfied' ? '#b3261e' : '#8a4b00'}>{row.levelName}</Tag>
        <span>整改期限 {row.due}</span>
        {row.warning && (
          <Tag color={row.warning === 'red' ? '#b3261e' : '#8a6d00'}>{row.warning === 'red' ? '红牌' : '黄牌'}</Tag>
        )}
        <Button onClick={() => setMode('reply')}>答复整改</Button>
        <Button onClick={() => setMode('appeal')}>评价申诉</Button>
      </Space>
      {mode && (
        <Form name={`follow-up-${mode}-${row.id}`} layout="vertical" onFinish={send} style={{ marginTop: 8 }}>
          <Form.Item
            label={mode === 'reply' ? '整改情况' : '申诉理由'}
            name="text"
            rules={[
              { required: true, whitespace: true, message: mode === 'reply' ? '请填写整改情况' : '请填写申诉理由' },
            ]}
          >
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <SubmitError title="未提交" error={error} />
          <Button type="primary" htmlType="submit" loading={sending}>
            {mode === 'reply' ? '提交整改答复' : '提交申诉'}
          </Button>
        </Form>
      )}
    </li>
  );
}

/** 差评整改: the department's open follow-ups of bad ratings (`GET /follow-ups`), answered or appealed here. */
export function FollowUps() {
  const [rows, setRows] = useState<FollowUpRow[]>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    api<FollowUpRow[]>('/follow-ups?status=open')
      .then(setRows)
      .catch((e: unknown) => setError(errorText(e)));
  }, [round]);
  return (
    <Card size="small">
      {error && <Alert type="error" showIcon title="读取失败" description={error} role="alert" />}
      {rows && rows.length === 0 ? (
        <Empty description="暂无待整改的差评" />
      ) : (
        <ul className="rows" aria-label="待整改的差评">
          {(rows ?? []).map((row) => (
            <FollowUpItem key={row.id} row={row} onDone={() => setRound((r) => r + 1)} />
          ))}
        </ul>
      )}
    </Card>
  );
}
