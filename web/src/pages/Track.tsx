import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Badge, Button, Card, Collapse, Descriptions, Empty, Form, Input, Space, Steps, Typography } from 'antd';
import { api, errorText, pathPart, type CaseView } from '../api.ts';
import { deadlineLabels, FINISHED, formatTime, statusLabels, taskStatusLabels } from '../labels.ts';
import { usePageTitle } from '../usePageTitle.ts';
import { RatingForm } from './track/RatingForm.tsx';
import { SupplementForm } from './track/SupplementForm.tsx';

interface Query {
  caseNo: string;
  queryCode: string;
}

/** Where the case is: 收件 → 受理 → 审查 → 办结. */
function stepOf(view: CaseView): number {
  if (FINISHED.includes(view.status)) return 3;
  if (view.status === 'in_review') return 2;
  return view.acceptedAt ? 2 : view.status === 'awaiting_supplement' ? 1 : 0;
}

/** Who holds the case now: the departments with an open task, else the window (before acceptance). */
function holder(view: CaseView): string {
  if (FINISHED.includes(view.status)) return '已办结';
  const open = view.tasks.filter((t) => t.status === 'open' || t.status === 'supplement_requested');
  if (open.length) return [...new Set(open.map((t) => t.departmentName))].join('、');
  if (view.status === 'awaiting_supplement') return '等待申请人补正材料';
  return '综合窗口';
}

export function Track() {
  usePageTitle('办件查询');
  const [params] = useSearchParams();
  const [query, setQuery] = useState<Query>();
  const [view, setView] = useState<CaseView>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  async function load(q: Query) {
    setLoading(true);
    setError(undefined);
    try {
      // The query code travels with every call; the API checks it on the rating and on reading.
      const answer = await api<CaseView>(`/applications/${pathPart(q.caseNo)}`, {
        headers: { 'x-query-code': q.queryCode.trim() },
      });
      setQuery(q);
      setView(answer);
    } catch (e) {
      setView(undefined);
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <Typography.Title level={1}>办件查询</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form
          name="track"
          layout="vertical"
          onFinish={(values: Query) => load({ caseNo: values.caseNo.trim(), queryCode: values.queryCode })}
          initialValues={{ caseNo: params.get('caseNo') ?? '' }}
          requiredMark={false}
        >
          <Space wrap align="end" size={[16, 0]}>
            <Form.Item
              label="办件编号"
              name="caseNo"
              rules={[{ required: true, whitespace: true, message: '请输入办件编号' }]}
            >
              <Input autoComplete="off" style={{ width: 240, maxWidth: '100%' }} />
            </Form.Item>
            <Form.Item
              label="查询码"
              name="queryCode"
              rules={[{ required: true, whitespace: true, message: '请输入受理回执上的查询码' }]}
            >
              <Input.Password autoComplete="off" style={{ width: 200, maxWidth: '100%' }} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={loading}>
                查询
              </Button>
            </Form.Item>
          </Space>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon title="查询失败" description={error} role="alert" />}
      {view && query && <Progress view={view} query={query} onRated={() => load(query)} />}
    </>
  );
}

function Progress({ view, query, onRated }: { view: CaseView; query: Query; onRated: () => void }) {
  const deadlines = Object.entries(view.deadlines).filter(([, v]) => v);
  return (
    <section aria-label="办理进度">
      <Card title={`办件 ${view.caseNo}`} style={{ marginBottom: 16 }}>
        <Steps
          current={stepOf(view)}
          status={FINISHED.includes(view.status) ? 'finish' : 'process'}
          size="small"
          responsive
          items={[{ title: '收件' }, { title: '受理' }, { title: '审查' }, { title: '办结' }]}
          style={{ marginBottom: 16 }}
        />
        <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }}>
          <Descriptions.Item label="办理状态">
            <strong data-testid="case-status">{statusLabels[view.status] ?? view.status}</strong>
            {view.clock.paused ? '（计时暂停）' : ''}
          </Descriptions.Item>
          <Descriptions.Item label="当前办理">{holder(view)}</Descriptions.Item>
          <Descriptions.Item label="申请人">{view.applicant.name}</Descriptions.Item>
          <Descriptions.Item label="事项">{view.matters.map((m) => m.name).join('、')}</Descriptions.Item>
          <Descriptions.Item label="收件时间">{formatTime(view.receivedAt)}</Descriptions.Item>
          <Descriptions.Item label="受理日期">{view.acceptedAt ?? '—'}</Descriptions.Item>
          {view.decidedAt && <Descriptions.Item label="办结时间">{formatTime(view.decidedAt)}</Descriptions.Item>}
          {deadlines.map(([name, due]) => (
            <Descriptions.Item key={name} label={deadlineLabels[name] ?? name}>
              {due}
            </Descriptions.Item>
          ))}
        </Descriptions>
      </Card>

      <Card title="部门审查" style={{ marginBottom: 16 }}>
        {view.tasks.length === 0 ? (
          <Empty description="尚未进入部门审查" />
        ) : (
          <ul className="rows">
            {view.tasks.map((t) => (
              <li key={t.id}>
                <Space wrap>
                  <span>{t.departmentName}</span>
                  {t.lead && <span>（牵头部门）</span>}
                  <Badge
                    status={t.status === 'approved' ? 'success' : t.status === 'refused' ? 'error' : 'processing'}
                    text={taskStatusLabels[t.status] ?? t.status}
                  />
                  <span>期限 {t.due}</span>
                </Space>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="告知书（按送达原文）" style={{ marginBottom: 16 }}>
        {view.notices.length === 0 ? (
          <Empty description="暂无告知书" />
        ) : (
          <Collapse
            items={view.notices.map((n) => ({
              key: n.id,
              label: `${n.title}（${formatTime(n.sentAt)}）`,
              children: <p className="pre">{n.body}</p>,
            }))}
          />
        )}
      </Card>

      <Card title="电子证照" style={{ marginBottom: 16 }}>
        {view.certificates.length === 0 ? (
          <Empty description="暂无证照" />
        ) : (
          <ul className="rows">
            {view.certificates.map((c) => (
              <li key={c.certificateNo}>
                <Space wrap>
                  <span>{c.name}</span>
                  <span className="mono">{c.certificateNo}</span>
                  <span>签发 {c.issuedOn}</span>
                  {c.revoked && <Badge status="error" text="已注销" />}
                  <Link to={`/verify/${pathPart(c.certificateNo)}`}>核验证照 {c.certificateNo}</Link>
                </Space>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {view.status === 'awaiting_supplement' && (
        <SupplementForm view={view} queryCode={query.queryCode} onSupplied={onRated} />
      )}

      {FINISHED.includes(view.status) && (
        <Card title="服务评价（好差评）">
          {view.rating ? (
            <Alert
              type="success"
              showIcon
              title={`您的评价：${view.rating.levelName}`}
              description={view.rating.comment}
            />
          ) : (
            <RatingForm caseNo={view.caseNo} queryCode={query.queryCode} onRated={onRated} />
          )}
        </Card>
      )}
    </section>
  );
}
