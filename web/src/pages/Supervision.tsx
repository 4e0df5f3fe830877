import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Col, DatePicker, Form, Row, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, errorText } from '../api.ts';
import { usePageTitle } from '../usePageTitle.ts';

interface Figures {
  received: number;
  accepted: number;
  decided: number;
  approved: number;
  refused: number;
  onTime: number;
  onTimeRate: number | null;
  withinStatutoryRate: number | null;
  overdueOpen: number;
  nearDueOpen: number;
  atMostOneVisitRate: number | null;
}

interface Overview {
  from: string;
  to: string;
  asOf: string;
  totals: Figures;
  byDepartment: Array<Figures & { department: string; name: string }>;
  byMatter: Array<Figures & { matter: string; name: string }>;
}

interface Alerts {
  asOf: string;
  red: number;
  yellow: number;
  alerts: Array<{
    caseNo: string;
    level: string;
    levelLabel: string;
    deadlineLabel: string;
    due: string;
    statusLabel: string;
    applicantName: string;
    matters: Array<{ name: string }>;
    heldBy: Array<{ name: string }>;
  }>;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

const figureColumns = [
  { title: '受理', dataIndex: 'accepted' },
  { title: '办结', dataIndex: 'decided' },
  { title: '准予', dataIndex: 'approved' },
  { title: '不予', dataIndex: 'refused' },
  { title: '按时办结率', dataIndex: 'onTimeRate', render: percent },
  { title: '超期在办', dataIndex: 'overdueOpen' },
  { title: '临期在办', dataIndex: 'nearDueOpen' },
];

export function Supervision() {
  usePageTitle('电子监察');
  const [alerts, setAlerts] = useState<Alerts>();
  const [overview, setOverview] = useState<Overview>();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>();
  const [error, setError] = useState<string>();

  const loadOverview = useCallback(async (range: [Dayjs, Dayjs]) => {
    setError(undefined);
    try {
      const [from, to] = range.map((d) => d.format('YYYY-MM-DD'));
      setOverview(await api<Overview>(`/supervision/overview?from=${from}&to=${to}`));
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    // The alerts say what "today" is on the centre's clock: the default period is that year up to today.
    api<Alerts>('/supervision/alerts?limit=200').then(
      (a) => {
        setAlerts(a);
        const today = dayjs(a.asOf);
        const range: [Dayjs, Dayjs] = [today.startOf('year'), today];
        setPeriod(range);
        void loadOverview(range);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [loadOverview]);

  const t = overview?.totals;
  return (
    <>
      <Typography.Title level={1}>电子监察</Typography.Title>
      {error && (
        <Alert type="error" showIcon title="读取失败" description={error} role="alert" style={{ marginBottom: 16 }} />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Form layout="inline" onFinish={() => period && loadOverview(period)} style={{ rowGap: 8 }}>
          <Form.Item label="统计期间" htmlFor="supervision-period">
            <DatePicker.RangePicker
              id={{ start: 'supervision-period', end: 'supervision-period-end' }}
              value={period}
              onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
              allowClear={false}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              统计
            </Button>
          </Form.Item>
          {overview && <span>（截至 {overview.asOf}）</span>}
        </Form>
      </Card>
      {t && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {[
            ['收件', t.received],
            ['受理', t.accepted],
            ['办结', t.decided],
            ['按时办结率', percent(t.onTimeRate)],
            ['法定时限内办结率', percent(t.withinStatutoryRate)],
            ['最多跑一次比例', percent(t.atMostOneVisitRate)],
            ['超期在办', t.overdueOpen],
            ['临期在办', t.nearDueOpen],
          ].map(([label, value]) => (
            <Col xs={12} md={6} key={label}>
              <Card size="small">
                <Statistic title={label} value={value ?? '—'} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Card title={`红黄牌预警（红牌 ${alerts?.red ?? 0}，黄牌 ${alerts?.yellow ?? 0}）`} style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey={(r) => `${r.caseNo}-${r.deadlineLabel}`}
          dataSource={alerts?.alerts ?? []}
          pagination={{ pageSize: 10 }}
          scroll={{ x: true }}
          columns={[
            { title: '预警', dataIndex: 'levelLabel' },
            {
              title: '办件编号',
              dataIndex: 'caseNo',
              render: (caseNo: string) => <Link to={`/audit?caseNo=${encodeURIComponent(caseNo)}`}>{caseNo}</Link>,
            },
            { title: '申请人', dataIndex: 'applicantName' },
            { title: '事项', render: (_: unknown, r) => r.matters.map((m) => m.name).join('、') },
            { title: '期限', render: (_: unknown, r) => `${r.deadlineLabel} ${r.due}` },
            { title: '状态', dataIndex: 'statusLabel' },
            { title: '当前办理', render: (_: unknown, r) => r.heldBy.map((h) => h.name).join('、') },
          ]}
        />
      </Card>
      {overview && (
        <>
          <Card title="按部门" style={{ marginBottom: 16 }}>
            <Table
              size="small"
              rowKey="department"
              dataSource={overview.byDepartment}
              pagination={false}
              scroll={{ x: true }}
              columns={[{ title: '部门', dataIndex: 'name' }, ...figureColumns]}
            />
          </Card>
          <Card title="按事项">
            <Table
              size="small"
              rowKey="matter"
              dataSource={overview.byMatter}
              pagination={false}
              scroll={{ x: true }}
              columns={[{ title: '事项', dataIndex: 'name' }, ...figureColumns]}
            />
          </Card>
        </>
      )}
    </>
  );
}
