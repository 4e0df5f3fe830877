import { App as AntApp, Button, Card, Checkbox, Form } from 'antd';
import { api, pathPart, type CaseView } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

/**
 * 在线补正: the applicant supplies, with the query code, the materials the latest supplement notice (一次性告知书) asked
 * for. The API takes the materials' codes; the files themselves go through the centre's document channel.
 */
export function SupplementForm({
  view,
  queryCode,
  onSupplied,
}: {
  view: CaseView;
  queryCode: string;
  onSupplied: () => void;
}) {
  const { message } = AntApp.useApp();
  const { submit, error, setError, sending } = useSubmit();
  const notice = view.notices.filter((n) => n.kind === 'supplement').at(-1);
  const items = notice?.items ?? [];

  async function supply(values: { materials?: string[] }) {
    if (!values.materials?.length) {
      setError('请勾选要提交的材料');
      return;
    }
    await submit(async (key) => {
      await api(`/applications/${pathPart(view.caseNo)}/supplements`, {
        method: 'POST',
        headers: { 'x-query-code': queryCode.trim(), 'idempotency-key': key },
        body: { materials: values.materials ?? [], channel: 'online' },
      });
      message.success('补正材料已提交');
      onSupplied();
    });
  }

  return (
    <Card title="在线补正材料" style={{ marginBottom: 16 }}>
      {notice?.due && <p>请于 {notice.due} 前补正以下材料（一次性告知书所列）。</p>}
      <Form name="supplement" layout="vertical" onFinish={supply} initialValues={{ materials: [] }}>
        {/* No `rules`: a required rule puts aria-required on the group's <div>, which axe refuses. */}
        <Form.Item label="已备齐的补正材料" name="materials">
          <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
            {items.map((item) => (
              <Checkbox key={item.code} value={item.code}>
                {item.name}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        <SubmitError title="补正未提交" error={error} />
        <Button type="primary" htmlType="submit" loading={sending}>
          提交补正材料
        </Button>
      </Form>
    </Card>
  );
}
