import type { ReactNode } from 'react';
import { App as AntApp, Button, Checkbox, Collapse, Form, Input, InputNumber, Radio, Select } from 'antd';
import { procedureNames } from '../../../../rules/notices.ts';
import { api, pathPart, type CaseView } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';
import { atLeastOne } from '../../validation.ts';

/**
 * Send a command with its own Idempotency-Key (a new one after each success); the answer is the case view (or
 * `{ case }`).
 */
function useCommand(onDone: (v: CaseView) => void, success: string) {
  const { message } = AntApp.useApp();
  const { submit, error, sending, renewKey } = useSubmit();
  const send = (path: string, body: unknown) =>
    submit(async (key) => {
      const answer = await api<CaseView & { case?: CaseView }>(path, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body,
      });
      renewKey();
      message.success(success);
      onDone(answer.case ?? answer);
    });
  return { send, error, sending };
}

/** A required 理由 field: its label and the message when it is left empty. */
function ReasonItem({ label, message }: { label: string; message: string }) {
  return (
    <Form.Item label={label} name="reason" rules={[{ required: true, whitespace: true, message }]}>
      <Input.TextArea rows={2} maxLength={2000} />
    </Form.Item>
  );
}

/** A secondary command folded away under its title, opened on demand. */
function Folded({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return <Collapse style={{ marginTop: 16 }} items={[{ key: id, label: title, children }]} />;
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
      <SubmitError title="意见未提交" error={error} />
      <Button type="primary" htmlType="submit" loading={sending}>
        提交审查意见
      </Button>
    </Form>
  );
}

export function SpecialProcedureForm({ taskId, onDone }: { taskId: string; onDone: (v: CaseView) => void }) {
  const { send, error, sending } = useCommand(onDone, '特别程序已启动，期限暂停计算');
  return (
    <Folded id="special" title="启动特别程序（听证、检验、专家评审等，所需时间不计入审查期限）">
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
        <Form.Item label="预计工作日" name="expectedWorkingDays" rules={[{ required: true, message: '请输入天数' }]}>
          <InputNumber min={1} max={365} />
        </Form.Item>
        <ReasonItem label="理由" message="请填写理由" />
        <SubmitError title="未启动" error={error} />
        <Button htmlType="submit" loading={sending}>
          启动特别程序
        </Button>
      </Form>
    </Folded>
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
    <Folded id="extension" title="申请延长审查期限（须经部门负责人批准）">
      <Form
        name="extension"
        layout="vertical"
        onFinish={(v: { reason: string }) =>
          send(`/applications/${pathPart(caseNo)}/extensions`, { department, reason: v.reason.trim() })
        }
      >
        <ReasonItem label="延期理由" message="请填写延期理由" />
        <SubmitError title="未提交" error={error} />
        <Button htmlType="submit" loading={sending}>
          提交延期申请
        </Button>
      </Form>
    </Folded>
  );
}
