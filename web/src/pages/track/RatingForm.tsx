import { Alert, App as AntApp, Button, Form, Input, Radio } from 'antd';
import { api, pathPart } from '../../api.ts';
import { ratingLevels } from '../../labels.ts';
import { useSubmit } from '../../submit.tsx';

export function RatingForm({ caseNo, queryCode, onRated }: { caseNo: string; queryCode: string; onRated: () => void }) {
  const { message } = AntApp.useApp();
  const { submit, error, sending } = useSubmit();

  const rate = (values: { level: string; comment?: string }) =>
    submit(async (key) => {
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
    });

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
