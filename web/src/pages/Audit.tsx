import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button, Card, Descriptions, Form, Input, Slider, Space, Spin, Timeline, Typography } from 'antd';
import {
  api,
  errorText,
  pathPart,
  type AuditView,
  type CaseHistory,
  type HistoryEntry,
  type ReplayedCase,
} from '../api.ts';
import { deadlineLabels, formatTime, statusLabels, taskStatusLabels } from '../labels.ts';
import { usePageTitle } from '../usePageTitle.ts';
import { RecentCases } from './audit/RecentCases.tsx';

type Replayed = ReplayedCase;

export function Audit() {
  usePageTitle('审计');
  const [params, setParams] = useSearchParams();
  const [caseNo, setCaseNo] = useState<string>();
  const [audit, setAudit] = useState<AuditView>();
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [complaints, setComplaints] = useState<NonNullable<CaseHistory['complaints']>>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  async function load(number: string) {
    setLoading(true);
    setError(undefined);
    setAudit(undefined);
    setHistory([]);
    try {
      const path = `/applications/${pathPart(number)}`;
      const [a, h] = await Promise.all([api<AuditView>(`${path}/audit`), api<CaseHistory>(`${path}/history`)]);
      setCaseNo(number);
      setAudit(a);
      setHistory(h.entries);
      setComplaints(h.complaints ?? []);
      setParams({ caseNo: number }, { replace: true });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <Typography.Title level={1}>审计</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form
          name="audit"
          layout="inline"
          onFinish={(values: { caseNo: string }) => load(values.caseNo.trim())}
          initialValues={{ caseNo: params.get('caseNo') ?? '' }}
          style={{ rowGap: 8 }}
        >
          <Form.Item
            label="办件编号"
            name="caseNo"
            rules={[{ required: true, whitespace: true, message: '请输入办件编号' }]}
          >
            <Input autoComplete="off" style={{ width: 240 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={loading}>
              审计
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {!audit && <RecentCases onPick={(no) => void load(no)} />}
      {error && <Alert type="error" showIcon title="审计失败" description={error} role="alert" />}
      {audit && caseNo && (
        <>
          <Integrity audit={audit} caseNo={caseNo} />
          <Replay caseNo={caseNo} last={history.at(-1)?.seq ?? audit.chain.events} history={history} />
          <Card title={`全过程记录（${history.length} 条）`}>
            <Timeline
              items={history.map((e) => ({
                key: e.seq,
                content: (
                  <div>
                    <strong>
                      {e.seq}. {e.title}
                    </strong>{' '}
                    <span>{formatTime(e.at)}</span>
                    <div>
                      {e.actor.role} {e.actor.id}：{e.what}
                    </div>
                    {e.basis && (
                      <div style={{ color: 'rgba(0,0,0,0.7)' }}>
                        依据：{e.basis.text}
                        {e.basis.articles.length > 0 && !e.basis.text.includes('行政许可法')
                          ? `（行政许可法 ${e.basis.articles.join('、')}）`
                          : ''}
                      </div>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
          {complaints.length > 0 && (
            <Card
              title={`关于本办件的投诉 · 咨询（${complaints.length} 件，不属于办件记录）`}
              style={{ marginTop: 16 }}
            >
              <ul className="rows">
                {complaints.map((c) => (
                  <li key={c.number}>
                    <strong>
                      {c.kindLabel} {c.number}
                    </strong>{' '}
                    {formatTime(c.filedAt)}：{c.text}（{c.statusLabel}
                    {c.reply ? `，${c.repliedOn ?? ''} 答复：${c.reply}` : ''}）
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </>
      )}
    </>
  );
}

function Integrity({ audit, caseNo }: { audit: AuditView; caseNo: string }) {
  return (
    <Card title="完整性校验" style={{ marginBottom: 16 }}>
      {audit.intact ? (
        <Alert
          type="success"
          showIcon
          title={<span data-testid="audit-status">完整</span>}
          description={`共 ${audit.chain.events} 条事件，哈希链与链头一致，各项期限按规则和日历重新推算一致。校验时间 ${formatTime(audit.checkedAt)}。`}
        />
      ) : (
        <Alert
          type="error"
          showIcon
          title={<span data-testid="audit-status">发现问题</span>}
          description={
            <ul>
              {audit.problems.map((p, i) => (
                <li key={i}>
                  {p.source === 'chain' ? '事件链' : '期限推算'}
                  {p.seq !== undefined ? ` 第 ${p.seq} 条` : ''}：{p.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Space style={{ marginTop: 12 }} wrap>
        <span>
          链头：{audit.chain.head ? `第 ${audit.chain.head.seq} 条` : '无'}
          {audit.chain.headSource === 'engine'
            ? '（审批引擎）'
            : audit.chain.headSource === 'signed_record'
              ? '（已签名记录）'
              : ''}
        </span>
        <Button href={`/applications/${pathPart(caseNo)}/export`} download={`${caseNo}.case-file.json`}>
          导出卷宗
        </Button>
      </Space>
    </Card>
  );
}

function Replay({ caseNo, last, history }: { caseNo: string; last: number; history: HistoryEntry[] }) {
  const [upTo, setUpTo] = useState(last);
  const [state, setState] = useState<Replayed>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  async function replay(n: number) {
    setLoading(true);
    setError(undefined);
    try {
      setState(await api<Replayed>(`/applications/${pathPart(caseNo)}/replay?upTo=${n}`));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }

  const entry = history.find((e) => e.seq === upTo);
  return (
    <Card title="重放" style={{ marginBottom: 16 }}>
      <Typography.Paragraph>拖动滑块（或用方向键）选择事件，查看办件在该步骤时的状态和期限。</Typography.Paragraph>
      <Slider
        min={1}
        max={Math.max(1, last)}
        value={upTo}
        onChange={(v: number) => setUpTo(v)}
        onChangeComplete={(v: number) => replay(v)}
        marks={{ 1: '1', [last]: String(last) }}
        ariaLabelForHandle="重放到第几条事件"
        tooltip={{ formatter: (v) => `第 ${v} 条` }}
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <span>
          第 {upTo} 条：{entry?.title ?? ''}
        </span>
        <Button onClick={() => replay(upTo)}>重放到第 {upTo} 条</Button>
      </Space>
      {loading && <Spin aria-label="正在重放" />}
      {error && <Alert type="error" showIcon title="重放失败" description={error} />}
      {state && (
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2 }}
          aria-live="polite"
          title={`重放到第 ${state.replayedUpTo} 条（${formatTime(state.at)}）`}
        >
          <Descriptions.Item label="状态">
            <strong data-testid="replay-status">{statusLabels[state.status] ?? state.status}</strong>
          </Descriptions.Item>
          <Descriptions.Item label="受理日期">{state.acceptedAt ?? '—'}</Descriptions.Item>
          {Object.entries(state.deadlines)
            .filter(([, v]) => v)
            .map(([name, due]) => (
              <Descriptions.Item key={name} label={deadlineLabels[name] ?? name}>
                {due}
              </Descriptions.Item>
            ))}
          <Descriptions.Item label="审查任务">
            {state.tasks.length
              ? state.tasks.map((t) => `${t.departmentName}（${taskStatusLabels[t.status] ?? t.status}）`).join('、')
              : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="告知书">{state.notices.length} 份</Descriptions.Item>
          <Descriptions.Item label="证照">{state.certificates.length} 份</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
