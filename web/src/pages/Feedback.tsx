import { useState } from 'react';
import { Button, Card, Col, Descriptions, Form, Input, Row, Typography } from 'antd';
import { api, errorText, pathPart, type ComplaintAnswer } from '../api.ts';
import { SubmitError } from '../submit.tsx';
import { usePageTitle } from '../usePageTitle.ts';
import { ComplaintForm } from './feedback/ComplaintForm.tsx';

/**
 * 投诉 · 咨询 for anyone: file one, and read the answer with its number and the phone given. There is no notification
 * channel yet: the answer is read here.
 */
export function Feedback() {
  usePageTitle('投诉咨询');
  const [answer, setAnswer] = useState<ComplaintAnswer>();
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);

  async function lookup(v: { number: string; phone: string }) {
    setSending(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      const q = new URLSearchParams({ phone: v.phone.trim() });
      setAnswer(await api<ComplaintAnswer>(`/complaints/${pathPart(v.number)}?${q.toString()}`));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <Typography.Title level={1}>投诉 · 咨询</Typography.Title>
      <Typography.Paragraph>
        对办件、部门或窗口的投诉，以及办事咨询，均在规定的工作日内答复。关于某一办件的，由该办件的牵头部门答复。
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="提交投诉或咨询">
            <ComplaintForm name="complaint" />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="查询答复">
            <Form name="complaint-lookup" layout="vertical" onFinish={lookup}>
              <Form.Item
                label="编号"
                name="number"
                rules={[{ required: true, whitespace: true, message: '请输入编号' }]}
              >
                <Input autoComplete="off" />
              </Form.Item>
              <Form.Item
                label="联系电话"
                name="phone"
                rules={[{ required: true, whitespace: true, message: '请输入提交时留的联系电话' }]}
              >
                <Input inputMode="tel" autoComplete="tel" />
              </Form.Item>
              <SubmitError title="查询失败" error={error} />
              <Button type="primary" htmlType="submit" loading={sending}>
                查询
              </Button>
            </Form>
            {answer && (
              <Descriptions bordered size="small" column={1} style={{ marginTop: 16 }}>
                <Descriptions.Item label="编号">
                  {answer.kindLabel} {answer.number}
                </Descriptions.Item>
                <Descriptions.Item label="状态">
                  <strong data-testid="complaint-status">{answer.statusLabel}</strong>
                </Descriptions.Item>
                <Descriptions.Item label="答复期限">{answer.due}</Descriptions.Item>
                <Descriptions.Item label="答复">
                  <span data-testid="complaint-reply">
                    {answer.reply ? `${answer.reply}（${answer.repliedOn ?? ''}）` : '尚未答复'}
                  </span>
                </Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
