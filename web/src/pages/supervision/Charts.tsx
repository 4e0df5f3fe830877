/** The supervision charts (ECharts, only the parts used: bar and pie on canvas, with ECharts' own ARIA description). */
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Card, Col, Empty, Row } from 'antd';
import type { Figures, Overview } from './types.ts';

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

const ratingNames: Record<string, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

function Chart({ title, option, height = 280 }: { title: string; option: object; height?: number }) {
  return (
    <Card title={title} size="small">
      <figure aria-label={title} style={{ margin: 0 }}>
        <ReactEChartsCore
          echarts={echarts}
          option={{ aria: { enabled: true }, ...option }}
          style={{ height }}
          notMerge
          lazyUpdate
        />
      </figure>
    </Card>
  );
}

const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

function rateBars(rows: Array<Figures & { name: string }>) {
  const shown = rows.filter((r) => r.onTimeRate !== null);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { width: 180, overflow: 'truncate' } },
    series: [
      { type: 'bar', name: '按时办结率', data: shown.map((r) => pct(r.onTimeRate)), itemStyle: { color: '#0b57d0' } },
    ],
  };
}

export function Charts({ overview }: { overview: Overview }) {
  const t = overview.totals;
  const statuses: Array<[string, number]> = [
    ['收件', t.received],
    ['受理', t.accepted],
    ['办结', t.decided],
    ['准予许可', t.approved],
    ['部分准予', t.partiallyApproved],
    ['不予许可', t.refused],
    ['不予受理', t.notAccepted],
    ['撤回', t.withdrawn],
    ['终止', t.terminated],
    ['超期在办', t.overdueOpen],
    ['临期在办', t.nearDueOpen],
  ];
  const ratings = Object.entries(t.ratings ?? {}).filter(([, n]) => n > 0);
  const height = (n: number) => Math.max(160, 36 * n + 40);
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col span={12}>
        <Chart
          title="办件状态"
          option={{
            tooltip: { trigger: 'axis' },
            grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: statuses.map(([n]) => n), axisLabel: { interval: 0, rotate: 30 } },
            yAxis: { type: 'value', minInterval: 1 },
            series: [{ type: 'bar', name: '件数', data: statuses.map(([, v]) => v), itemStyle: { color: '#8f1d1d' } }],
          }}
        />
      </Col>
      <Col span={12}>
        {ratings.length === 0 ? (
          <Card title="好差评" size="small">
            <Empty description="统计期间暂无评价" />
          </Card>
        ) : (
          <Chart
            title="好差评"
            option={{
              tooltip: { trigger: 'item' },
              legend: { bottom: 0 },
              series: [
                {
                  type: 'pie',
                  name: '评价',
                  radius: ['35%', '65%'],
                  data: ratings.map(([level, n]) => ({ name: ratingNames[level] ?? level, value: n })),
                },
              ],
            }}
          />
        )}
      </Col>
      <Col span={12}>
        <Chart
          title="按部门按时办结率"
          option={rateBars(overview.byDepartment)}
          height={height(overview.byDepartment.length)}
        />
      </Col>
      <Col span={12}>
        <Chart
          title="按事项按时办结率"
          option={rateBars(overview.byMatter)}
          height={height(overview.byMatter.length)}
        />
      </Col>
    </Row>
  );
}
