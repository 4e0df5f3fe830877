/**
 * 预约 (/booking, for applicants): pick 一件事 or a matter and a working day, choose a slot with places left, give a
 * mobile number, get the code to enter at the kiosk; or cancel a booking with its code.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, Result, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, errorText, pathPart, type Appointment, type Slot } from '../../api.ts';
import { usePageTitle } from '../../usePageTitle.ts';
import { choiceBody, useHallChoices } from './catalogueChoices.ts';

const time = (value: string | Date) =>
  new Date(value).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });

export function Booking() {
  usePageTitle('预约办事');
  const { choices, error: loadError } = useHallChoices();
  const [choice, setChoice] = useState<string>();
  const [date, setDate] = useState<Dayjs>();
  const [loaded, setLoaded] = useState<{ key: string; slots: Slot[] }>();
  const [slotId, setSlotId] = useState<string>();
  const [booked, setBooked] = useState<Appointment>();
  const [error, setError] = useState<string>();
  const [cancelNote, setCancelNote] = useState<string>();
  const chosen = choices.find((c) => `${c.kind}:${c.code}` === choice);
  const query =
    chosen && date ? new URLSearchParams({ ...choiceBody(chosen), date: date.format('YYYY-MM-DD') }) : undefined;
  const key = query?.toString();
  const slots = loaded && loaded.key === key ? loaded.slots : undefined;

  useEffect(() => {
    if (!key) return;
    api<Slot[]>(`/appointments/slots?${key}`).then(
      (answer) => setLoaded({ key, slots: answer }),
      (e: unknown) => setError(errorText(e)),
    );
  }, [key]);

  async function book(values: { phone: string }) {
    if (!chosen || !slotId) return;
    setError(undefined);
    try {
      setBooked(
        await api<Appointment>('/appointments', {
          method: 'POST',
          body: { slotId, phone: values.phone.trim(), ...choiceBody(chosen) },
        }),
      );
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function cancel(values: { code: string }) {
    setCancelNote(undefined);
    try {
      await api<Appointment>(`/appointments/${pathPart(values.code.toUpperCase())}`, { method: 'DELETE' });
      setCancelNote('预约已取消');
    } catch (e) {
      setCancelNote(errorText(e));
    }
  }

  if (booked) {
    return (
      <Result
        status="success"
        title={
          <span>
            预约成功，预约码 <strong data-testid="appointment-code">{booked.code}</strong>
          </span>
        }
        subTitle={`${booked.date} ${time(booked.startsAt)}–${time(booked.endsAt)}。请在时段开始前 15 分钟内到大厅取号机输入预约码取号，可优先叫号。`}
        extra={<Button onClick={() => setBooked(undefined)}>再预约一个</Button>}
      />
    );
  }

  const open = slots?.filter((s) => s.bookable) ?? [];
  return (
    <>
      <Typography.Title level={1}>预约办事</Typography.Title>
      {(error ?? loadError) && (
        <Alert type="error" showIcon role="alert" title="预约失败" description={error ?? loadError} />
      )}
      <Card title="预约" size="small" style={{ marginBottom: 16 }}>
        <Form layout="vertical" name="booking" onFinish={book}>
          <Form.Item label="办理事项" required>
            <Select
              showSearch
              optionFilterProp="label"
              aria-label="办理事项"
              value={choice}
              onChange={(value: string) => {
                setChoice(value);
                setSlotId(undefined);
              }}
              options={choices.map((c) => ({
                value: `${c.kind}:${c.code}`,
                label: c.kind === 'theme' ? `一件事：${c.name}` : c.name,
              }))}
            />
          </Form.Item>
          <Form.Item label="日期（仅工作日可约）" required>
            <DatePicker
              aria-label="日期"
              value={date}
              onChange={(d) => {
                setDate(d ?? undefined);
                setSlotId(undefined);
              }}
            />
          </Form.Item>
          {slots && (
            <Form.Item label="时段" required>
              {open.length === 0 ? (
                <span>当日无可预约时段（休息日、已约满或已过）</span>
              ) : (
                <Space wrap role="radiogroup" aria-label="时段">
                  {open.map((s) => (
                    <Button
                      key={s.id}
                      role="radio"
                      aria-checked={slotId === s.id}
                      type={slotId === s.id ? 'primary' : 'default'}
                      onClick={() => setSlotId(s.id)}
                    >
                      {time(s.startsAt)}–{time(s.endsAt)}（余 {s.remaining}）
                    </Button>
                  ))}
                </Space>
              )}
            </Form.Item>
          )}
          <Form.Item
            label="手机号码"
            name="phone"
            rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: '请输入 11 位手机号码' }]}
          >
            <Input autoComplete="tel" inputMode="numeric" style={{ maxWidth: 240 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" disabled={!slotId}>
            提交预约
          </Button>
        </Form>
      </Card>
      <Card title="取消预约" size="small">
        <Form layout="inline" name="cancel-booking" onFinish={cancel}>
          <Form.Item label="预约码" name="code" rules={[{ required: true, len: 8, message: '请输入 8 位预约码' }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Button htmlType="submit">取消预约</Button>
        </Form>
        {cancelNote && <p role="status">{cancelNote}</p>}
      </Card>
    </>
  );
}
