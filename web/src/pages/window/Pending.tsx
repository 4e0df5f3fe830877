import { useEffect, useState } from 'react';
import { Card, Table } from 'antd';
import { api, type CaseListRow } from '../../api.ts';
import { formatTime, statusLabels } from '../../labels.ts';
import { caseNoColumn } from './caseNoColumn.tsx';

type Row = CaseListRow;

/** What waits for the window: cases received but not yet decided, and approved ones whose result is to hand out. */
export function Pending({ onOpen }: { onOpen: (caseNo: string) => void }) {
  const [rows, setRows] = useState<Row[]>([]);

  useEffect(() => {
    Promise.all(
      ['received', 'approved', 'partially_approved'].map((s) => api<Row[]>(`/applications?status=${s}&limit=50`)),
    ).then(
      (lists) => setRows(lists.flat()),
      () => setRows([]),
    );
  }, []);

  return (
    <Card title="待受理 / 待出件" size="small">
      <Table
        size="small"
        rowKey="caseNo"
        dataSource={rows}
        pagination={{ pageSize: 10 }}
        columns={[
          caseNoColumn(onOpen),
          { title: '状态', dataIndex: 'status', render: (s: string) => statusLabels[s] ?? s },
          { title: '申请人', dataIndex: 'applicantName' },
          { title: '窗口', dataIndex: 'window' },
          { title: '收件时间', dataIndex: 'receivedAt', render: formatTime },
          { title: '承诺办结', dataIndex: 'promisedDue' },
        ]}
      />
    </Card>
  );
}
