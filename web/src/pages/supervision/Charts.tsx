/** The supervision charts (ECharts, only the parts used: bar and pie on canvas, with ECharts' own ARIA description). */
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Card, Col, Empty, Row } from 'antd';
import { ratingLevels } from '../../labels.ts';
import type { Figures, Overview } from './types.ts';

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

const ratingNames = new Map(ratingLevels.map((l) => [l.value, l.label]));

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

/** 按时办结率 per row (department or matter), one bar each; the chart grows with the rows. */
function RateChart({ title, rows }: { title: string; rows: Array<Figures & { name: string }> }) {
  const shown = rows.filter((r) => r.onTimeRate !== null);
  return (
    <Chart
      title={title}
      height={Math.max(160, 36 * rows.length + 40)}
      option={{
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
        yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { width: 180, overflow: 'truncate' } },
        series: [
          {
            type: 'bar',
            name: '按时办结率',
            data: shown.map((r) => pct(r.onTimeRate)),
            itemStyle: { color: '#0b57d0' },
          },
        ],
      }}
    />
  );
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
                  data: ratings.map(([level, n]) => ({ name: ratingNames.get(level) ?? level, value: n })),
                },
              ],
            }}
          />
        )}
      </Col>
      <Col span={12}>
        <RateChart title="按部门按时办结率" rows={overview.byDepartment} />
      </Col>
      <Col span={12}>
        <RateChart title="按事项按时办结率" rows={overview.byMatter} />
      </Col>
    </Row>
  );
}
