import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, errorText, type Ledger as LedgerAnswer } from '../../api.ts';
import { caseNoColumn } from './caseNoColumn.tsx';

/** 台帐: the cases this window received on a day (today on the centre's clock by default), with the downloads. */
export function Ledger({ window: own, onOpen }: { window: string; onOpen: (caseNo: string) => void }) {
  const [date, setDate] = useState<Dayjs>();
  const [ledger, setLedger] = useState<LedgerAnswer>();
  const [error, setError] = useState<string>();

  const load = useCallback(
    async (day?: Dayjs) => {
      try {
        const q = `window=${encodeURIComponent(own)}${day ? `&date=${day.format('YYYY-MM-DD')}` : ''}`;
        const answer = await api<LedgerAnswer>(`/ledger?${q}`);
        setError(undefined);
        setLedger(answer);
        setDate(dayjs(answer.from));
      } catch (e) {
        setError(errorText(e));
      }
    },
    [own],
  );

  useEffect(() => {
    api<LedgerAnswer>(`/ledger?window=${encodeURIComponent(own)}`).then(
      (answer) => {
        setLedger(answer);
        setDate(dayjs(answer.from));
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [own]);

  const base = ledger ? `/ledger?window=${encodeURIComponent(own)}&date=${ledger.from}` : '';
  return (
    <Card title={ledger?.title ?? '台帐'} size="small">
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="ledger-date">日期</label>
        <DatePicker id="ledger-date" value={date} allowClear={false} onChange={(d) => d && load(d)} />
        {ledger && (
          <>
            <Button href={`${base}&format=csv`} download>
              下载 CSV
            </Button>
            <Button href={`${base}&format=xlsx`} download>
              下载 Excel
            </Button>
          </>
        )}
      </Space>
      {error && <Alert type="error" showIcon title="台帐读取失败" description={error} role="alert" />}
      <Table
        size="small"
        rowKey="caseNo"
        dataSource={ledger?.cases ?? []}
        pagination={{ pageSize: 20 }}
        scroll={{ x: true }}
        columns={[
          { title: '序号', dataIndex: 'no' },
          caseNoColumn(onOpen),
          { title: '收件时间', dataIndex: 'receivedAt' },
          { title: '申请事项', render: (_: unknown, r) => r.matters.map((m) => m.name).join('、') },
          { title: '申请人', dataIndex: 'applicantName' },
          { title: '受理日期', dataIndex: 'acceptedOn' },
          { title: '承诺办结', dataIndex: 'promisedDue' },
          {
            title: '状态',
            render: (_: unknown, r) => (
              <>
                {r.statusLabel}
                {r.urgent && <Tag color="#b3261e">急</Tag>}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}
