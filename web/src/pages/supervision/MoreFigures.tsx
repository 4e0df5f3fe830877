import { useEffect, useState } from 'react';
import { Card, Col, Row, Statistic } from 'antd';
import { api, type ComplaintFigures, type Overview } from '../../api.ts';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** The open cases now by status, and the period's complaints and consultations (投诉 · 咨询). */
export function MoreFigures({ overview }: { overview: Overview }) {
  const [complaints, setComplaints] = useState<ComplaintFigures>();
  const department = overview.filters.department;
  useEffect(() => {
    const q = new URLSearchParams({ from: overview.from, to: overview.to });
    if (department) q.set('department', department);
    api<ComplaintFigures>(`/supervision/complaints?${q.toString()}`).then(setComplaints, () =>
      setComplaints(undefined),
    );
  }, [overview.from, overview.to, department]);
  const c = complaints?.totals;
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col xs={24} md={10}>
        <Card title="在办件（按状态，当前）" size="small">
          <Row gutter={8}>
            {overview.openByStatus.map((s) => (
              <Col span={8} key={s.status}>
                <Statistic title={s.label} value={s.count} />
              </Col>
            ))}
          </Row>
        </Card>
      </Col>
      <Col xs={24} md={14}>
        <Card title="投诉 · 咨询（统计期间）" size="small">
          {c && (
            <Row gutter={8}>
              {[
                ['投诉', c.complaints],
                ['咨询', c.consultations],
                ['已答复', c.answered],
                ['按时答复率', percent(c.inTimeRate)],
                ['超期未答复', c.openOverdue],
              ].map(([label, value]) => (
                <Col span={8} md={4} key={label}>
                  <Statistic title={label} value={value ?? '—'} />
                </Col>
              ))}
            </Row>
          )}
          {c && (
            <p style={{ marginTop: 8 }}>
              按对象：办件 {c.bySubject.case}，部门 {c.bySubject.department}，窗口 {c.bySubject.window}，服务中心{' '}
              {c.bySubject.centre}
            </p>
          )}
        </Card>
      </Col>
    </Row>
  );
}
