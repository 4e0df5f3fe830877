import { useState } from 'react';
import { Alert, App as AntApp, Button, Checkbox, Collapse, Form, Input, InputNumber, Radio, Select } from 'antd';
import { api, errorText, pathPart, type CaseView } from '../../api.ts';
import { newKey } from '../../usePageTitle.ts';
import { atLeastOne } from '../../validation.ts';

const procedureNames: Record<string, string> = {
  hearing: '听证',
  tender: '招标',
  auction: '拍卖',
  inspection: '检验',
  testing: '检测',
  quarantine: '检疫',
  appraisal: '鉴定',
  expert_review: '专家评审',
};

/** Send a command with its own Idempotency-Key; the answer is the case view (or `{ case }`). */
function useCommand(onDone: (v: CaseView) => void, success: string) {
  const { message } = AntApp.useApp();
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  async function send(path: string, body: unknown) {
    setSending(true);
    setError(undefined);
    try {
      const answer = await api<CaseView & { case?: CaseView }>(path, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body,
      });
      setKey(newKey());
      message.success(success);
      onDone(answer.case ?? answer);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  }
  return { send, error, sending };
}

interface OpinionValues {
  decision: 'approve' | 'refuse' | 'supplement';
  reason?: string;
  materials?: string[];
}

export function OpinionForm({
  taskId,
  materials,
  onDone,
}: {
  taskId: string;
  materials: Array<[string, string]>;
  onDone: (v: CaseView) => void;
}) {
  const [form] = Form.useForm<OpinionValues>();
  const decision = Form.useWatch('decision', form);
  const { send, error, sending } = useCommand(onDone, '审查意见已提交');
  return (
    <Form
      form={form}
      name="opinion"
      layout="vertical"
      initialValues={{ decision: 'approve' }}
      onFinish={(v) =>
        send(`/tasks/${encodeURIComponent(taskId)}/opinion`, {
          decision: v.decision,
          ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
          ...(v.decision === 'supplement' ? { materials: v.materials } : {}),
        })
      }
    >
      <Form.Item label="审查结论" name="decision">
        <Radio.Group
          aria-label="审查结论"
          optionType="button"
          options={[
            { value: 'approve', label: '同意' },
            { value: 'refuse', label: '不同意' },
            { value: 'supplement', label: '要求补正' },
          ]}
        />
      </Form.Item>
      {decision === 'supplement' && (
        <Form.Item label="需补正的材料" name="materials" rules={[atLeastOne('请选择需补正的材料')]}>
          <Checkbox.Group options={materials.map(([value, label]) => ({ value, label }))} />
        </Form.Item>
      )}
      <Form.Item
        label={decision === 'approve' ? '审查意见（可选）' : '理由'}
        name="reason"
        rules={decision === 'approve' ? [] : [{ required: true, whitespace: true, message: '请填写理由' }]}
      >
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      {error && (
        <Alert type="error" showIcon title="意见未提交" description={error} role="alert" style={{ marginBottom: 16 }} />
      )}
      <Button type="primary" htmlType="submit" loading={sending}>
        提交审查意见
      </Button>
    </Form>
  );
}

export function SpecialProcedureForm({ taskId, onDone }: { taskId: string; onDone: (v: CaseView) => void }) {
  const { send, error, sending } = useCommand(onDone, '特别程序已启动，期限暂停计算');
  return (
    <Collapse
      style={{ marginTop: 16 }}
      items={[
        {
          key: 'special',
          label: '启动特别程序（听证、检验、专家评审等，所需时间不计入审查期限）',
          children: (
            <Form
              name="special-procedure"
              layout="vertical"
              initialValues={{ type: 'inspection', expectedWorkingDays: 5 }}
              onFinish={(v: { type: string; expectedWorkingDays: number; reason: string }) =>
                send(`/tasks/${encodeURIComponent(taskId)}/special-procedures`, {
                  type: v.type,
                  expectedWorkingDays: v.expectedWorkingDays,
                  reason: v.reason.trim(),
                })
              }
            >
              <Form.Item label="程序类型" name="type">
                <Select
                  style={{ width: 200 }}
                  options={Object.entries(procedureNames).map(([value, label]) => ({ value, label }))}
                />
              </Form.Item>
              <Form.Item
                label="预计工作日"
                name="expectedWorkingDays"
                rules={[{ required: true, message: '请输入天数' }]}
              >
                <InputNumber min={1} max={365} />
              </Form.Item>
              <Form.Item
                label="理由"
                name="reason"
                rules={[{ required: true, whitespace: true, message: '请填写理由' }]}
              >
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
              {error && (
                <Alert
                  type="error"
                  showIcon
                  title="未启动"
                  description={error}
                  role="alert"
                  style={{ marginBottom: 16 }}
                />
              )}
              <Button htmlType="submit" loading={sending}>
                启动特别程序
              </Button>
            </Form>
          ),
        },
      ]}
    />
  );
}

export function ExtensionForm({
  caseNo,
  department,
  onDone,
}: {
  caseNo: string;
  department: string;
  onDone: (v: CaseView) => void;
}) {
  const { send, error, sending } = useCommand(onDone, '延期申请已提交，等待部门负责人审批');
  return (
    <Collapse
      style={{ marginTop: 16 }}
      items={[
        {
          key: 'extension',
          label: '申请延长审查期限（须经部门负责人批准）',
          children: (
            <Form
              name="extension"
              layout="vertical"
              onFinish={(v: { reason: string }) =>
                send(`/applications/${pathPart(caseNo)}/extensions`, { department, reason: v.reason.trim() })
              }
            >
              <Form.Item
                label="延期理由"
                name="reason"
                rules={[{ required: true, whitespace: true, message: '请填写延期理由' }]}
              >
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
              {error && (
                <Alert
                  type="error"
                  showIcon
                  title="未提交"
                  description={error}
                  role="alert"
                  style={{ marginBottom: 16 }}
                />
              )}
              <Button htmlType="submit" loading={sending}>
                提交延期申请
              </Button>
            </Form>
          ),
        },
      ]}
    />
  );
}
