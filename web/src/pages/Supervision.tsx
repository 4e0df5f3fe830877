import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Col, DatePicker, Form, Row, Select, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, errorText } from '../api.ts';
import { useSession } from '../session.tsx';
import { usePageTitle } from '../usePageTitle.ts';
import { Charts } from './supervision/Charts.tsx';
import { MoreFigures } from './supervision/MoreFigures.tsx';
import { SupervisorActions } from './supervision/SupervisorActions.tsx';
import { QueueChart } from './supervision/QueueChart.tsx';
import type { Alerts, Overview } from './supervision/types.ts';
import type { MatterSummary } from './window/catalogue.ts';

interface Filter {
  department?: string;
  matter?: string;
  window?: string;
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
  const { user } = useSession();
  const [filter, setFilter] = useState<Filter>({});
  const [matters, setMatters] = useState<MatterSummary[]>([]);
  const [windows, setWindows] = useState<string[]>([]);

  const loadOverview = useCallback(async (range: [Dayjs, Dayjs], f: Filter = {}) => {
    try {
      const [from, to] = range.map((d) => d.format('YYYY-MM-DD'));
      const q = new URLSearchParams({ from: from ?? '', to: to ?? '' });
      for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
      const answer = await api<Overview>(`/supervision/overview?${q.toString()}`);
      setError(undefined);
      setOverview(answer);
      // The windows seen in an unfiltered period are the window filter's choices.
      if (!f.window) setWindows((seen) => [...new Set([...seen, ...answer.byWindow.map((w) => w.window)])].sort());
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    api<MatterSummary[]>('/matters').then(setMatters, () => setMatters([]));
  }, []);
  const departments = [
    ...new Map(matters.flatMap((m) => m.departments.map((d) => [d.code, d.name] as const))).entries(),
  ];

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

  /** A filter of the overview: cleared, it counts all (全部…). */
  const filterSelect = (
    field: keyof Filter,
    label: string,
    width: number,
    options: Array<{ value: string; label: string }>,
    searchable = false,
  ) => (
    <Form.Item label={label} htmlFor={`supervision-${field}`}>
      <Select
        id={`supervision-${field}`}
        allowClear
        showSearch={searchable ? { optionFilterProp: 'label' } : undefined}
        placeholder={`全部${label}`}
        style={{ width }}
        value={filter[field]}
        onChange={(v?: string) => setFilter((f) => ({ ...f, [field]: v }))}
        options={options}
      />
    </Form.Item>
  );

  const t = overview?.totals;
  return (
    <>
      <Typography.Title level={1}>电子监察</Typography.Title>
      {error && (
        <Alert type="error" showIcon title="读取失败" description={error} role="alert" style={{ marginBottom: 16 }} />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Form layout="inline" onFinish={() => period && loadOverview(period, filter)} style={{ rowGap: 8 }}>
          <Form.Item label="统计期间" htmlFor="supervision-period">
            <DatePicker.RangePicker
              id={{ start: 'supervision-period', end: 'supervision-period-end' }}
              value={period}
              onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
              allowClear={false}
            />
          </Form.Item>
          {user?.role !== 'head' &&
            filterSelect(
              'department',
              '部门',
              200,
              departments.map(([value, label]) => ({ value, label })),
            )}
          {filterSelect(
            'matter',
            '事项',
            240,
            matters.map((m) => ({ value: m.code, label: m.name })),
            true,
          )}
          {filterSelect(
            'window',
            '窗口',
            120,
            windows.map((w) => ({ value: w, label: w })),
          )}
          <Form.Item>
            <Button type="primary" htmlType="submit">
              统计
            </Button>
          </Form.Item>
          {overview && <span>（截至 {overview.asOf}）</span>}
        </Form>
      </Card>
      {overview && <Charts overview={overview} />}
      {overview && <MoreFigures overview={overview} />}
      {user?.role === 'supervisor' && <SupervisorActions onDone={() => period && void loadOverview(period, filter)} />}
      {overview && <QueueChart from={overview.from} to={overview.to} />}
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
