import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Col, Form, Input, Radio, Row, Space } from 'antd';
import { api, pathPart, type AppealedRatingRow } from '../../api.ts';
import { SubmitError, useSubmit } from '../../submit.tsx';

const caseNoRule = [{ required: true, whitespace: true, message: '请输入办件编号' }];

/** 督办: a supervisor marks a case 急办件, and decides an appeal of a rating (维持 or 作废). */
export function SupervisorActions({ onDone }: { onDone: () => void }) {
  const { message } = AntApp.useApp();
  const urgent = useSubmit();
  const appeal = useSubmit();
  const [urgentForm] = Form.useForm<{ caseNo: string; reason: string }>();
  const [appealForm] = Form.useForm<{ caseNo: string; decision: 'uphold' | 'void'; reason: string }>();
  const [appealed, setAppealed] = useState<AppealedRatingRow[]>([]);
  const [round, setRound] = useState(0);
  useEffect(() => {
    api<AppealedRatingRow[]>('/ratings/appealed').then(setAppealed, () => setAppealed([]));
  }, [round]);
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col xs={24} md={12}>
        <Card title="标记急办件" size="small">
          <Form
            form={urgentForm}
            name="urgent"
            layout="vertical"
            onFinish={(v) =>
              urgent.submit(async (key) => {
                await api(`/applications/${pathPart(v.caseNo)}/urgent`, {
                  method: 'POST',
                  headers: { 'idempotency-key': key },
                  body: { reason: v.reason.trim() },
                });
                urgent.renewKey();
                message.success(`${v.caseNo.trim()} 已标记为急办件，各部门优先办理`);
                urgentForm.resetFields();
                onDone();
              })
            }
          >
            <Form.Item label="办件编号" name="caseNo" rules={caseNoRule}>
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item
              label="急办理由"
              name="reason"
              rules={[{ required: true, whitespace: true, message: '请填写急办理由' }]}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <SubmitError title="未标记" error={urgent.error} />
            <Button type="primary" htmlType="submit" loading={urgent.sending}>
              标记急办
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card title="评价申诉处理" size="small">
          {appealed.length > 0 && (
            <ul className="rows" aria-label="申诉中的评价">
              {appealed.map((r) => (
                <li key={r.caseNo}>
                  <Space wrap>
                    <strong>{r.caseNo}</strong>
                    <span>
                      {r.levelName}（{r.department} 申诉：{r.appealReason ?? '—'}）
                    </span>
                    <Button size="small" onClick={() => appealForm.setFieldValue('caseNo', r.caseNo)}>
                      处理 {r.caseNo}
                    </Button>
                  </Space>
                </li>
              ))}
            </ul>
          )}
          <Form
            form={appealForm}
            name="appeal-decision"
            layout="vertical"
            initialValues={{ decision: 'uphold' }}
            onFinish={(v) =>
              appeal.submit(async (key) => {
                await api(`/applications/${pathPart(v.caseNo)}/rating/appeal/decision`, {
                  method: 'POST',
                  headers: { 'idempotency-key': key },
                  body: { decision: v.decision, reason: v.reason.trim() },
                });
                appeal.renewKey();
                message.success(v.decision === 'uphold' ? '已维持评价' : '已作废评价，不计入统计');
                appealForm.resetFields();
                setRound((r) => r + 1);
                onDone();
              })
            }
          >
            <Form.Item label="办件编号" name="caseNo" rules={caseNoRule}>
              <Input style={{ width: 240 }} />
            </Form.Item>
            <Form.Item label="处理结果" name="decision">
              <Radio.Group
                aria-label="处理结果"
                options={[
                  { value: 'uphold', label: '维持评价' },
                  { value: 'void', label: '作废评价' },
                ]}
              />
            </Form.Item>
            <Form.Item
              label="处理理由"
              name="reason"
              rules={[{ required: true, whitespace: true, message: '请填写处理理由' }]}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <SubmitError title="未处理" error={appeal.error} />
            <Button type="primary" htmlType="submit" loading={appeal.sending}>
              提交处理结果
            </Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}
