import { App as AntApp, Button, Card, Form, Input, Space, Tag } from 'antd';
import { procedureNames } from '../../../../rules/notices.ts';
import { api, pathPart, type CaseView } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

/** The special procedures this task started that are still running, each with its 结束 button. */
export function OngoingProcedures({
  view,
  taskId,
  onDone,
}: {
  view: CaseView;
  taskId: string;
  onDone: (v: CaseView) => void;
}) {
  const { message } = AntApp.useApp();
  const { submit, error, sending } = useSubmit();
  const ongoing = view.specialProcedures.filter((p) => p.taskId === taskId && !p.endedOn);
  if (ongoing.length === 0) return null;
  const end = (procedureId: string) =>
    submit(async (key) => {
      const answer = await api<CaseView>(
        `/tasks/${encodeURIComponent(taskId)}/special-procedures/${encodeURIComponent(procedureId)}/end`,
        { method: 'POST', headers: { 'idempotency-key': key }, body: {} },
      );
      message.success('特别程序已结束，审查期限恢复计算');
      onDone(answer);
    });
  return (
    <Card title="进行中的特别程序" size="small" style={{ marginBottom: 16 }}>
      <ul className="rows">
        {ongoing.map((p) => (
          <li key={p.id}>
            <Space wrap>
              <Tag color="#5b3a8c">{procedureNames[p.type] ?? p.type}</Tag>
              <span>
                {p.startedOn} 起，预计 {p.expectedWorkingDays} 个工作日：{p.reason}
              </span>
              <Button onClick={() => end(p.id)} loading={sending}>
                结束{procedureNames[p.type] ?? '特别程序'}
              </Button>
            </Space>
          </li>
        ))}
      </ul>
      <SubmitError title="未结束" error={error} />
    </Card>
  );
}

/** 注销: the issuing department revokes a certificate of its matter, with the reason (the record keeps it). */
export function RevokeCertificates({
  view,
  department,
  matter,
  onDone,
}: {
  view: CaseView;
  department: string;
  matter: string;
  onDone: () => void;
}) {
  const { message } = AntApp.useApp();
  const { submit, error, sending } = useSubmit();
  const valid = view.certificates.filter((c) => c.matter === matter && !c.revoked);
  if (valid.length === 0) return null;
  return (
    <Card title="注销证照" size="small" style={{ marginBottom: 16 }}>
      {valid.map((c) => (
        <Form
          key={c.certificateNo}
          name={`revoke-${c.certificateNo}`}
          layout="vertical"
          onFinish={(v: { reason: string }) =>
            submit(async (key) => {
              await api(`/certificates/${pathPart(c.certificateNo)}/revocation`, {
                method: 'POST',
                headers: { 'idempotency-key': key },
                body: { department, reason: v.reason.trim() },
              });
              message.success(`证照 ${c.certificateNo} 已注销`);
              onDone();
            })
          }
        >
          <p>
            {c.name} {c.certificateNo}（{c.issuedOn} 发证）
          </p>
          <Form.Item
            label="注销理由"
            name="reason"
            rules={[{ required: true, whitespace: true, message: '请填写注销理由' }]}
          >
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <SubmitError title="未注销" error={error} />
          <Button danger htmlType="submit" loading={sending}>
            注销证照
          </Button>
        </Form>
      ))}
    </Card>
  );
}
