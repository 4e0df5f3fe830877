import { useEffect, useState } from 'react';
import { Alert, Card, Table, Typography } from 'antd';
import { api, errorText, type Disclosure as DisclosureAnswer } from '../api.ts';
import { usePageTitle } from '../usePageTitle.ts';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** 办件公示: the cases decided in the last 30 days (names masked) and the monthly figures, for anyone. */
export function Disclosure() {
  usePageTitle('办件公示');
  const [answer, setAnswer] = useState<DisclosureAnswer>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<DisclosureAnswer>('/public/decisions?limit=200')
      .then(setAnswer)
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  return (
    <>
      <Typography.Title level={1}>办件公示</Typography.Title>
      <Typography.Paragraph>
        公开便民服务事项办理内容及结果{answer ? `（${answer.from} 至 ${answer.to}）` : ''}。申请人姓名已作遮蔽处理。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title="读取失败" description={error} role="alert" />}
      <Card title="每月办件统计" size="small" style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey="month"
          dataSource={answer?.months ?? []}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: '月份', dataIndex: 'month' },
            { title: '收件', dataIndex: 'received' },
            { title: '办结', dataIndex: 'decided' },
            { title: '准予', dataIndex: 'approved' },
            { title: '不予', dataIndex: 'refused' },
            { title: '按时办结率', dataIndex: 'onTimeRate', render: percent },
          ]}
        />
      </Card>
      <Card title="近期办结" size="small">
        <Table
          size="small"
          rowKey="caseNo"
          dataSource={answer?.decisions ?? []}
          pagination={{ pageSize: 20 }}
          scroll={{ x: true }}
          columns={[
            { title: '办件编号', dataIndex: 'caseNo' },
            { title: '事项', dataIndex: 'matters', render: (m: string[]) => m.join('、') },
            { title: '申请人', dataIndex: 'applicantName' },
            { title: '办理结果', dataIndex: 'resultLabel' },
            { title: '办结日期', dataIndex: 'decidedOn' },
          ]}
        />
      </Card>
    </>
  );
}
