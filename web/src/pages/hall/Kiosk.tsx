/**
 * 自助取号机 (/kiosk): touch-sized buttons, large type, no sign-in. The applicant picks 一件事 or a matter (the hall's
 * guide can mark a priority applicant), or enters an appointment code, and gets a ticket that prints on a 58 mm
 * receipt printer.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Input, Typography } from 'antd';
import { api, errorText, type TakenTicket } from '../../api.ts';
import { usePageTitle } from '../../usePageTitle.ts';
import { choiceBody, useHallChoices, type HallChoice } from './catalogueChoices.ts';

/** After this long the kiosk returns to its start screen for the next applicant. */
const RESET_MS = 60_000;

function TicketSlip({ ticket, onDone }: { ticket: TakenTicket; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, RESET_MS);
    return () => clearTimeout(timer);
  }, [onDone]);
  const taken = new Date(ticket.takenAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  return (
    <section className="kiosk-ticket" aria-label="您的票号">
      <div className="receipt">
        <p className="receipt-title">政务服务中心</p>
        <p className="receipt-line">{ticket.lineName}</p>
        <p className="receipt-number" data-testid="ticket-number">
          {ticket.number}
        </p>
        {ticket.appointment && <p className="receipt-line">预约优先</p>}
        {ticket.priority && <p className="receipt-line">优先窗口服务</p>}
        <p className="receipt-line">
          前面还有 <strong data-testid="ticket-ahead">{ticket.ahead}</strong> 人
        </p>
        <p className="receipt-line">预计等候约 {ticket.estimatedWaitMinutes} 分钟</p>
        <p className="receipt-small">取号时间 {taken}</p>
        <p className="receipt-small">请留意叫号屏与语音提示，过号请重新取号</p>
      </div>
      <div className="kiosk-actions no-print">
        <Button size="large" type="primary" className="kiosk-button" onClick={() => window.print()}>
          打印小票
        </Button>
        <Button size="large" className="kiosk-button" onClick={onDone}>
          完成
        </Button>
      </div>
    </section>
  );
}

export function Kiosk() {
  usePageTitle('自助取号');
  const { choices, error: loadError } = useHallChoices();
  const [ticket, setTicket] = useState<TakenTicket>();
  const [priority, setPriority] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);

  async function take(body: Record<string, unknown>) {
    setSending(true);
    setError(undefined);
    try {
      setTicket(await api<TakenTicket>('/queue/tickets', { method: 'POST', body: { ...body, priority } }));
      setPriority(false);
      setCode('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  }

  const themes = choices.filter((c) => c.kind === 'theme');
  const matters = choices.filter((c) => c.kind === 'matter');
  const buttons = (list: HallChoice[]) => (
    <div className="kiosk-grid">
      {list.map((c) => (
        <Button key={c.code} className="kiosk-choice" disabled={sending} onClick={() => take(choiceBody(c))}>
          {c.name}
        </Button>
      ))}
    </div>
  );

  return (
    <div className="kiosk">
      <Typography.Title level={1} className="no-print">
        自助取号
      </Typography.Title>
      {ticket ? (
        <TicketSlip ticket={ticket} onDone={() => setTicket(undefined)} />
      ) : (
        <>
          {(error ?? loadError) && (
            <Alert type="error" showIcon role="alert" title="取号失败" description={error ?? loadError} />
          )}
          <section aria-labelledby="kiosk-appointment" className="kiosk-section">
            <Typography.Title level={2} id="kiosk-appointment">
              已预约？输入预约码
            </Typography.Title>
            <div className="kiosk-code">
              <Input
                size="large"
                aria-label="预约码"
                value={code}
                maxLength={8}
                autoComplete="off"
                onChange={(e) => setCode(e.target.value.toUpperCase().replace(/\s/g, ''))}
              />
              <Button
                size="large"
                type="primary"
                className="kiosk-button"
                disabled={code.length !== 8 || sending}
                onClick={() => take({ appointmentCode: code })}
              >
                预约取号
              </Button>
            </div>
          </section>
          <Checkbox className="kiosk-priority" checked={priority} onChange={(e) => setPriority(e.target.checked)}>
            老弱病残孕优先（由大厅引导员勾选）
          </Checkbox>
          <section aria-labelledby="kiosk-themes" className="kiosk-section">
            <Typography.Title level={2} id="kiosk-themes">
              一件事（主题服务）
            </Typography.Title>
            {buttons(themes)}
          </section>
          <section aria-labelledby="kiosk-matters" className="kiosk-section">
            <Typography.Title level={2} id="kiosk-matters">
              单个事项
            </Typography.Title>
            {buttons(matters)}
          </section>
        </>
      )}
    </div>
  );
}
