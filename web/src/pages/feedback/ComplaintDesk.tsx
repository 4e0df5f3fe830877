import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Table, Tag, Typography } from 'antd';
import { api, errorText, pathPart, type ComplaintRow } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { SubmitError, useSubmit } from '../../submit.tsx';
import { usePageTitle } from '../../usePageTitle.ts';
import { ComplaintForm } from './ComplaintForm.tsx';

const LISTS = ['reviewer', 'head', 'supervisor', 'auditor'];
const ANSWERS = ['reviewer', 'head', 'supervisor'];

function ReplyForm({ row, onDone }: { row: ComplaintRow; onDone: () => void }) {
  const { message } = AntApp.useApp();
  const { submit, error, sending } = useSubmit();
  return (
    <Form
      name={`reply-${row.number}`}
      layout="vertical"
      onFinish={(v: { text: string }) =>
        submit(async () => {
          await api(`/complaints/${pathPart(row.number)}/reply`, { method: 'POST', body: { text: v.text.trim() } });
          message.success(`${row.number} 已答复`);
          onDone();
        })
      }
    >
      <Form.Item
        label={`答复 ${row.number}`}
        name="text"
        rules={[{ required: true, whitespace: true, message: '请填写答复内容' }]}
      >
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <SubmitError title="未答复" error={error} />
      <Button type="primary" htmlType="submit" loading={sending}>
        提交答复
      </Button>
    </Form>
  );
}

/**
 * 投诉咨询受理: staff type in a hotline call (12345); the departments and supervisors see the ones they answer, with
 * yellow and red cards, and answer them.
 */
export function ComplaintDesk() {
  usePageTitle('投诉咨询受理');
  const { user } = useSession();
  const [rows, setRows] = useState<ComplaintRow[]>([]);
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  const refresh = useCallback(() => setRound((r) => r + 1), []);
  const lists = user ? LISTS.includes(user.role) : false;
  const answers = user ? ANSWERS.includes(user.role) : false;

  useEffect(() => {
    if (!lists) return;
    api<ComplaintRow[]>('/complaints?limit=200')
      .then(setRows)
      .catch((e: unknown) => setError(errorText(e)));
  }, [lists, round]);

  const mayAnswer = (r: ComplaintRow) =>
    answers &&
    r.status === 'open' &&
    (r.department === null ? user?.role === 'supervisor' : user?.role !== 'supervisor');

  return (
    <>
      <Typography.Title level={1}>投诉咨询受理</Typography.Title>
      <Card title="录入热线来电（12345）" style={{ marginBottom: 16 }}>
        <ComplaintForm name="hotline" onFiled={refresh} />
      </Card>
      {lists && (
        <Card title="投诉 · 咨询清单">
          {error && <Alert type="error" showIcon title="读取失败" description={error} role="alert" />}
          <Table
            size="small"
            rowKey="number"
            dataSource={rows}
            pagination={{ pageSize: 10 }}
            scroll={{ x: true }}
            expandable={{
              rowExpandable: mayAnswer,
              expandedRowRender: (r) => <ReplyForm row={r} onDone={refresh} />,
            }}
            columns={[
              { title: '编号', dataIndex: 'number' },
              { title: '类型', dataIndex: 'kindLabel' },
              { title: '来源', dataIndex: 'channelLabel' },
              {
                title: '对象',
                render: (_: unknown, r: ComplaintRow) =>
                  `${r.subjectLabel}${r.caseNo ? ` ${r.caseNo}` : r.window ? ` ${r.window}` : ''}`,
              },
              { title: '内容', dataIndex: 'text' },
              { title: '答复部门', render: (_: unknown, r: ComplaintRow) => r.department?.name ?? '政务服务中心' },
              {
                title: '答复期限',
                dataIndex: 'due',
                render: (due: string, r: ComplaintRow) => (
                  <span>
                    {due}
                    {r.warning && (
                      <Tag color={r.warning === 'red' ? '#b3261e' : '#8a6d00'} style={{ marginLeft: 4 }}>
                        {r.warning === 'red' ? '红牌' : '黄牌'}
                      </Tag>
                    )}
                  </span>
                ),
              },
              {
                title: '状态',
                render: (_: unknown, r: ComplaintRow) =>
                  r.status === 'answered' ? `已答复（${r.repliedOn ?? ''}）：${r.reply ?? ''}` : r.statusLabel,
              },
            ]}
          />
        </Card>
      )}
    </>
  );
}
