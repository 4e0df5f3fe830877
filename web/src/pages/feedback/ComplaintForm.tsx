import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Radio, Select } from 'antd';
import { api, type FiledComplaint } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

interface Values {
  kind: 'complaint' | 'consultation';
  text: string;
  caseNo?: string;
  department?: string;
  window?: string;
  phone?: string;
}

const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/**
 * A complaint or a question (`POST /complaints`): on the public page from the person, on the staff desk typed in
 * from a hotline call (the session makes it 热线电话).
 */
export function ComplaintForm({ name, onFiled }: { name: string; onFiled?: (f: FiledComplaint) => void }) {
  const [form] = Form.useForm<Values>();
  const { submit, error, sending, renewKey } = useSubmit();
  const [filed, setFiled] = useState<FiledComplaint>();
  const [departments, setDepartments] = useState<Array<{ value: string; label: string }>>([]);

  useEffect(() => {
    api<Array<{ departments: Array<{ code: string; name: string }> }>>('/matters').then(
      (matters) =>
        setDepartments(
          [...new Map(matters.flatMap((m) => m.departments.map((d) => [d.code, d.name] as const))).entries()].map(
            ([value, label]) => ({ value, label }),
          ),
        ),
      () => setDepartments([]),
    );
  }, []);

  const send = (v: Values) =>
    submit(async () => {
      const body = {
        kind: v.kind,
        text: v.text.trim(),
        ...(optional(v.caseNo) ? { caseNo: optional(v.caseNo) } : {}),
        ...(v.department ? { department: v.department } : {}),
        ...(optional(v.window) ? { window: optional(v.window) } : {}),
        ...(optional(v.phone) ? { phone: optional(v.phone) } : {}),
      };
      const answer = await api<FiledComplaint>('/complaints', { method: 'POST', body });
      renewKey();
      setFiled(answer);
      form.resetFields();
      onFiled?.(answer);
    });

  return (
    <>
      {filed && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 16 }}
          title={`已登记，编号 ${filed.number}`}
          description={
            <span data-testid="filed-complaint">
              编号 {filed.number}，由{filed.department ? filed.department.name : '政务服务中心'}答复，答复期限{' '}
              {filed.due}。请记下编号，凭编号和联系电话查询答复。
            </span>
          }
        />
      )}
      <Form form={form} name={name} layout="vertical" initialValues={{ kind: 'complaint' }} onFinish={send}>
        <Form.Item label="类型" name="kind">
          <Radio.Group
            aria-label="类型"
            optionType="button"
            options={[
              { value: 'complaint', label: '投诉' },
              { value: 'consultation', label: '咨询' },
            ]}
          />
        </Form.Item>
        <Form.Item label="内容" name="text" rules={[{ required: true, whitespace: true, message: '请填写内容' }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label="办件编号（关于某一办件时填写）" name="caseNo">
          <Input style={{ maxWidth: 260 }} autoComplete="off" />
        </Form.Item>
        <Form.Item label="所涉部门" name="department" htmlFor={`${name}-department`}>
          <Select
            id={`${name}-department`}
            allowClear
            placeholder="不清楚可不选"
            style={{ maxWidth: 260 }}
            options={departments}
          />
        </Form.Item>
        <Form.Item label="所涉窗口（如 W01）" name="window">
          <Input style={{ maxWidth: 160 }} autoComplete="off" />
        </Form.Item>
        <Form.Item label="联系电话（凭此查询答复）" name="phone">
          <Input style={{ maxWidth: 260 }} inputMode="tel" autoComplete="tel" />
        </Form.Item>
        <SubmitError title="未提交" error={error} />
        <Button type="primary" htmlType="submit" loading={sending}>
          提交
        </Button>
      </Form>
    </>
  );
}
