/** 排队: waits by hour of the day (p50 and p90) and the day's figures, from GET /supervision/queue. */
import { useEffect, useState } from 'react';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Alert, Card, Descriptions, Empty } from 'antd';
import { api, errorText, type QueueFigures } from '../../api.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

const share = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const minutes = (value: number | null) => (value === null ? '—' : `${value} 分钟`);

/** The hours of the period: each hour's waits as the worst day's (the p90 a supervisor has to answer for). */
function byHour(figures: QueueFigures) {
  const hours = new Map<number, { p50: number; p90: number }>();
  for (const day of figures.days) {
    for (const h of day.hours) {
      const seen = hours.get(h.hour) ?? { p50: 0, p90: 0 };
      hours.set(h.hour, {
        p50: Math.max(seen.p50, h.waitP50Minutes ?? 0),
        p90: Math.max(seen.p90, h.waitP90Minutes ?? 0),
      });
    }
  }
  return [...hours.entries()].sort(([a], [b]) => a - b);
}

/** The API answers at most 92 days: a longer period shows its last 92. */
function lastDays(from: string, to: string): string {
  const earliest = new Date(Date.parse(`${to}T00:00:00Z`) - 91 * 86_400_000).toISOString().slice(0, 10);
  return from < earliest ? earliest : from;
}

export function QueueChart({ from: periodFrom, to }: { from: string; to: string }) {
  const from = lastDays(periodFrom, to);
  const [figures, setFigures] = useState<QueueFigures>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<QueueFigures>(`/supervision/queue?from=${from}&to=${to}`).then(setFigures, (e: unknown) =>
      setError(errorText(e)),
    );
  }, [from, to]);

  const hours = figures ? byHour(figures) : [];
  const total = figures?.total;
  return (
    <Card title={`排队等候（按取号时段，${from} 至 ${to}）`} size="small" style={{ marginTop: 16 }}>
      {error && <Alert type="error" showIcon title="排队统计读取失败" description={error} />}
      {total && (
        <Descriptions size="small" column={4} style={{ marginBottom: 8 }}>
          <Descriptions.Item label="取号">{total.tickets}</Descriptions.Item>
          <Descriptions.Item label="等候中位数">{minutes(total.waitP50Minutes)}</Descriptions.Item>
          <Descriptions.Item label="等候 P90">{minutes(total.waitP90Minutes)}</Descriptions.Item>
          <Descriptions.Item label="10 分钟内叫号">
            <span data-testid="queue-within-target">{share(total.withinTargetShare)}</span>
          </Descriptions.Item>
          <Descriptions.Item label="办理中位数">{minutes(total.serviceP50Minutes)}</Descriptions.Item>
          <Descriptions.Item label="过号">{total.noShows}</Descriptions.Item>
          <Descriptions.Item label="预约到场">
            {figures.days.reduce((n, d) => n + d.appointmentsKept, 0)} /{' '}
            {figures.days.reduce((n, d) => n + d.appointmentsBooked, 0)}
          </Descriptions.Item>
        </Descriptions>
      )}
      {hours.length === 0 ? (
        <Empty description="期间内无取号" />
      ) : (
        <figure aria-label="各时段等候时间（分钟）" style={{ margin: 0 }}>
          <ReactEChartsCore
            echarts={echarts}
            notMerge
            lazyUpdate
            style={{ height: 260 }}
            option={{
              aria: { enabled: true },
              tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v} 分钟` },
              legend: { top: 0 },
              grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: hours.map(([h]) => `${h}时`) },
              yAxis: { type: 'value', name: '分钟' },
              series: [
                { type: 'bar', name: '等候中位数', data: hours.map(([, w]) => w.p50), itemStyle: { color: '#0b57d0' } },
                { type: 'bar', name: '等候 P90', data: hours.map(([, w]) => w.p90), itemStyle: { color: '#b3261e' } },
              ],
            }}
          />
        </figure>
      )}
    </Card>
  );
}
