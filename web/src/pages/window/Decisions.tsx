import { Alert, Button, Checkbox, Collapse, DatePicker, Form, Input, Radio, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, pathPart, type CaseView } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';
import { atLeastOne } from '../../validation.ts';

const decisions = [
  { value: 'accept', label: '受理' },
  { value: 'supplement', label: '一次性告知补正' },
  { value: 'accept_with_deficiencies', label: '容缺受理' },
  { value: 'reject', label: '不予受理' },
];

interface AcceptanceValues {
  decision: string;
  reason?: string;
  deficiencies?: string[];
  deficienciesDue?: Dayjs;
}

/** 受理决定: accept, ask once for everything missing, accept with deficiencies (容缺), or refuse to accept. */
export function AcceptanceForm({
  view,
  names,
  onDone,
}: {
  view: CaseView;
  names: Map<string, string>;
  onDone: (v: CaseView) => void;
}) {
  const [form] = Form.useForm<AcceptanceValues>();
  const decision = Form.useWatch('decision', form);
  const { submit, error, sending } = useSubmit();
  const missing = [...names.keys()].filter((code) => !view.materialsProvided.includes(code));

  const decide = (values: AcceptanceValues) =>
    submit(async (key) => {
      const body = {
        decision: values.decision,
        ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}),
        ...(values.decision === 'accept_with_deficiencies'
          ? { deficiencies: values.deficiencies, deficienciesDue: values.deficienciesDue?.format('YYYY-MM-DD') }
          : {}),
      };
      onDone(
        await api<CaseView>(`/applications/${pathPart(view.caseNo)}/acceptance`, {
          method: 'POST',
          headers: { 'idempotency-key': `${key}-${values.decision}` },
          body,
        }),
      );
    });

  return (
    <section aria-label="受理决定">
      <Typography.Title level={3}>受理决定</Typography.Title>
      <Form form={form} name="acceptance" layout="vertical" onFinish={decide} initialValues={{ decision: 'accept' }}>
        <Form.Item label="决定" name="decision">
          <Radio.Group aria-label="受理决定" options={decisions} optionType="button" />
        </Form.Item>
        {decision === 'accept_with_deficiencies' && (
          <>
            <Form.Item label="容缺材料" name="deficiencies" rules={[atLeastOne('请选择容缺的材料')]}>
              <Checkbox.Group options={missing.map((code) => ({ value: code, label: names.get(code) ?? code }))} />
            </Form.Item>
            <Form.Item
              label="容缺材料补齐期限"
              name="deficienciesDue"
              rules={[{ required: true, message: '请选择补齐期限' }]}
            >
              <DatePicker />
            </Form.Item>
          </>
        )}
        <Form.Item
          label={decision === 'reject' ? '不予受理理由' : '说明（可选）'}
          name="reason"
          rules={decision === 'reject' ? [{ required: true, whitespace: true, message: '请填写不予受理理由' }] : []}
        >
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {decision === 'supplement' && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title="系统按事项清单列出全部缺少的材料，生成一次性告知书，受理后即可打印。"
          />
        )}
        <SubmitError title="决定未提交" error={error} />
        <Button type="primary" htmlType="submit" loading={sending}>
          提交受理决定
        </Button>
      </Form>
    </section>
  );
}

/** 证照送达: the applicant picks the result up, or it is posted. */
export function DeliveryForm({ caseNo, onDone }: { caseNo: string; onDone: (v: CaseView) => void }) {
  const [form] = Form.useForm<{ method: 'pickup' | 'post'; trackingNumber?: string }>();
  const method = Form.useWatch('method', form);
  const { submit, error, sending } = useSubmit();

  const deliver = (values: { method: 'pickup' | 'post'; trackingNumber?: string }) =>
    submit(async (key) => {
      onDone(
        await api<CaseView>(`/applications/${pathPart(caseNo)}/delivery`, {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: {
            method: values.method,
            ...(values.method === 'post' && values.trackingNumber?.trim()
              ? { trackingNumber: values.trackingNumber.trim() }
              : {}),
          },
        }),
      );
    });

  return (
    <section aria-label="证照送达">
      <Typography.Title level={3}>出件送达</Typography.Title>
      <Form form={form} name="delivery" layout="vertical" onFinish={deliver} initialValues={{ method: 'pickup' }}>
        <Form.Item label="送达方式" name="method">
          <Radio.Group
            aria-label="送达方式"
            options={[
              { value: 'pickup', label: '窗口领取' },
              { value: 'post', label: '邮寄送达' },
            ]}
          />
        </Form.Item>
        {method === 'post' && (
          <Form.Item
            label="快递单号"
            name="trackingNumber"
            rules={[{ required: true, whitespace: true, message: '请输入快递单号' }]}
          >
            <Input style={{ width: 240 }} />
          </Form.Item>
        )}
        <SubmitError title="送达未登记" error={error} />
        <Button type="primary" htmlType="submit" loading={sending}>
          确认送达
        </Button>
      </Form>
    </section>
  );
}

/** 撤回: the clerk withdraws the application for the applicant (before a decision), with the applicant's reason. */
export function WithdrawalForm({ caseNo, onDone }: { caseNo: string; onDone: (v: CaseView) => void }) {
  const { submit, error, sending } = useSubmit();
  const withdraw = (values: { reason: string }) =>
    submit(async (key) => {
      onDone(
        await api<CaseView>(`/applications/${pathPart(caseNo)}/withdrawal`, {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: { reason: values.reason.trim() },
        }),
      );
    });
  return (
    <Collapse
      style={{ marginTop: 16 }}
      items={[
        {
          key: 'withdraw',
          label: '代申请人撤回申请',
          children: (
            <Form name="withdrawal" layout="vertical" onFinish={withdraw}>
              <Form.Item
                label="撤回理由（申请人所述）"
                name="reason"
                rules={[{ required: true, whitespace: true, message: '请填写撤回理由' }]}
              >
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
              <SubmitError title="未撤回" error={error} />
              <Button danger htmlType="submit" loading={sending}>
                确认撤回
              </Button>
            </Form>
          ),
        },
      ]}
    />
  );
}
