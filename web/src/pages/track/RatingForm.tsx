import { useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Radio } from 'antd';
import { api, errorText, pathPart } from '../../api.ts';
import { ratingLevels } from '../../labels.ts';
import { newKey } from '../../usePageTitle.ts';

export function RatingForm({ caseNo, queryCode, onRated }: { caseNo: string; queryCode: string; onRated: () => void }) {
  const { message } = AntApp.useApp();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const [key] = useState(newKey);

  async function rate(values: { level: string; comment?: string }) {
    setSending(true);
    setError(undefined);
    try {
      await api(`/applications/${pathPart(caseNo)}/rating`, {
        method: 'POST',
        headers: { 'x-query-code': queryCode.trim(), 'idempotency-key': key },
        body: {
          level: values.level,
          channel: 'online',
          ...(values.comment?.trim() ? { comment: values.comment.trim() } : {}),
        },
      });
      message.success('感谢您的评价');
      onRated();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  }

  return (
    <Form name="rating" layout="vertical" onFinish={rate}>
      <Form.Item label="满意程度" name="level" rules={[{ required: true, message: '请选择满意程度' }]}>
        <Radio.Group aria-label="满意程度" options={ratingLevels} />
      </Form.Item>
      <Form.Item label="意见建议（可选）" name="comment">
        <Input.TextArea maxLength={500} showCount rows={3} />
      </Form.Item>
      {error && <Alert type="error" showIcon title="评价未提交" description={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={sending}>
        提交评价
      </Button>
    </Form>
  );
}
