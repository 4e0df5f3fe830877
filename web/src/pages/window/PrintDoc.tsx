import { Button, Space } from 'antd';
import type { CaseView, Notice } from '../../api.ts';
import { formatTime, statusLabels } from '../../labels.ts';

export type Printing =
  | { kind: 'receipt'; view: CaseView; queryCode?: string; names: Map<string, string> }
  | { kind: 'notice'; view: CaseView; notice: Notice };

/** A print-ready page (A4, @media print hides everything else): the 受理回执 or a notice as sent. */
export function PrintDoc({ printing, onClose }: { printing: Printing; onClose: () => void }) {
  return (
    <>
      <Space className="no-print" style={{ marginBottom: 16 }}>
        <Button type="primary" onClick={() => window.print()}>
          打印
        </Button>
        <Button onClick={onClose}>返回</Button>
      </Space>
      {printing.kind === 'receipt' ? (
        <Receipt view={printing.view} queryCode={printing.queryCode} names={printing.names} />
      ) : (
        <NoticeDoc view={printing.view} notice={printing.notice} />
      )}
    </>
  );
}

function Receipt({ view, queryCode, names }: { view: CaseView; queryCode?: string; names: Map<string, string> }) {
  const promised = view.deadlines.promisedDue;
  return (
    <article className="print-doc" aria-label="受理回执">
      <h2>受理回执</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">办件编号</th>
            <td className="mono">{view.caseNo}</td>
            <th scope="row">查询码</th>
            <td className="mono">{queryCode ?? '（见收件时的回执）'}</td>
          </tr>
          <tr>
            <th scope="row">申请人</th>
            <td colSpan={3}>{view.applicant.name}</td>
          </tr>
          <tr>
            <th scope="row">申请事项</th>
            <td colSpan={3}>{view.matters.map((m) => m.name).join('、')}</td>
          </tr>
          <tr>
            <th scope="row">收件时间</th>
            <td>{formatTime(view.receivedAt)}</td>
            <th scope="row">受理日期</th>
            <td>{view.acceptedAt ?? '待受理'}</td>
          </tr>
          <tr>
            <th scope="row">承诺办结日期</th>
            <td data-testid="receipt-promised">{promised ?? '受理后按承诺时限计算'}</td>
            <th scope="row">办理状态</th>
            <td>{statusLabels[view.status] ?? view.status}</td>
          </tr>
          <tr>
            <th scope="row">收取材料</th>
            <td colSpan={3}>{view.materialsProvided.length} 份（清单附后）</td>
          </tr>
        </tbody>
      </table>
      <ol>
        {view.materialsProvided.map((m) => (
          <li key={m}>{names.get(m) ?? m}</li>
        ))}
      </ol>
      <p>
        请凭办件编号和查询码在“办件查询”页面（/track）查看办理进度、补正材料，办结后评价服务。首问负责人：
        {view.firstContact?.clerkId ?? ''}（{view.firstContact?.window ?? ''} 窗口）。
      </p>
      <p className="sign">政务服务中心综合窗口（盖章）</p>
    </article>
  );
}

function NoticeDoc({ view, notice }: { view: CaseView; notice: Notice }) {
  return (
    <article className="print-doc" aria-label={notice.title}>
      <h2>{notice.title}</h2>
      <p>办件编号：{view.caseNo}</p>
      <p className="pre">{notice.body}</p>
      {notice.items && notice.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">序号</th>
              <th scope="col">需补正的材料</th>
              <th scope="col">涉及事项</th>
            </tr>
          </thead>
          <tbody>
            {notice.items.map((item, i) => (
              <tr key={item.code}>
                <td>{i + 1}</td>
                <td>{item.name}</td>
                <td>{item.matters.join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notice.due && <p>期限：{notice.due}</p>}
      <p className="sign">
        政务服务中心（盖章）
        <br />
        {formatTime(notice.sentAt)}
      </p>
    </article>
  );
}
