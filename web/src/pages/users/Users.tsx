import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { roleNames as roleNameOf } from '../../../../rules/access.ts';
import { api, errorText, type Account } from '../../api.ts';
import { usePageTitle } from '../../usePageTitle.ts';
import type { MatterSummary } from '../window/catalogue.ts';

/** The roles' names as the server's access table (rules/access.ts) has them; indexed by the API's role code. */
const roleNames: Record<string, string> = roleNameOf;

interface NewAccount {
  username: string;
  displayName: string;
  role: string;
  password: string;
  window?: string;
  department?: string;
  backup?: string;
}

/** 用户管理 (admin): the staff accounts, a new one, (de)activating an account and marking a reviewer away (AB岗). */
export function Users() {
  usePageTitle('用户管理');
  const { message } = AntApp.useApp();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [departments, setDepartments] = useState<Array<[string, string]>>([]);
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  const [form] = Form.useForm<NewAccount>();
  const role = Form.useWatch('role', form);

  useEffect(() => {
    api<Account[]>('/users').then(setAccounts, (e: unknown) => setError(errorText(e)));
  }, [round]);
  useEffect(() => {
    api<MatterSummary[]>('/matters').then(
      (m) => setDepartments([...new Map(m.flatMap((x) => x.departments.map((d) => [d.code, d.name] as const)))]),
      () => setDepartments([]),
    );
  }, []);
  const departmentName = new Map(departments);

  async function run(action: () => Promise<unknown>, done: string) {
    setError(undefined);
    try {
      await action();
      message.success(done);
      setRound((r) => r + 1);
    } catch (e) {
      setError(errorText(e));
    }
  }

  const create = (v: NewAccount) =>
    run(async () => {
      await api('/users', {
        method: 'POST',
        body: Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string' && x.trim() !== '')),
      });
      form.resetFields();
    }, `已新增账号 ${v.username}`);

  return (
    <>
      <Typography.Title level={1}>用户管理</Typography.Title>
      {error && (
        <Alert type="error" showIcon title="操作失败" description={error} role="alert" style={{ marginBottom: 16 }} />
      )}
      <Card title="新增账号" size="small" style={{ marginBottom: 16 }}>
        <Form
          form={form}
          name="new-user"
          layout="inline"
          onFinish={create}
          initialValues={{ role: 'clerk' }}
          style={{ rowGap: 8 }}
        >
          <Form.Item
            label="用户名"
            name="username"
            rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{2,64}$/, message: '2–64 位字母、数字、_ . -' }]}
          >
            <Input autoComplete="off" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item
            label="姓名"
            name="displayName"
            rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}
          >
            <Input autoComplete="off" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item label="角色" name="role" htmlFor="new-user-role">
            <Select
              id="new-user-role"
              style={{ width: 150 }}
              options={Object.entries(roleNames).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          {role === 'clerk' && (
            <Form.Item
              label="窗口"
              name="window"
              rules={[{ required: true, whitespace: true, message: '请输入窗口编号' }]}
            >
              <Input autoComplete="off" style={{ width: 90 }} />
            </Form.Item>
          )}
          {(role === 'reviewer' || role === 'head') && (
            <Form.Item
              label="部门"
              name="department"
              htmlFor="new-user-department"
              rules={[{ required: true, message: '请选择部门' }]}
            >
              <Select
                id="new-user-department"
                style={{ width: 200 }}
                options={departments.map(([value, label]) => ({ value, label }))}
              />
            </Form.Item>
          )}
          <Form.Item label="初始密码" name="password" rules={[{ required: true, min: 8, message: '至少 8 位' }]}>
            <Input.Password autoComplete="new-password" style={{ width: 150 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            新增
          </Button>
        </Form>
      </Card>
      <Card size="small">
        <Table
          size="small"
          rowKey="username"
          dataSource={accounts}
          pagination={{ pageSize: 20 }}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '姓名', dataIndex: 'displayName' },
            { title: '角色', dataIndex: 'role', render: (r: string) => roleNames[r] ?? r },
            {
              title: '窗口 / 部门',
              render: (_: unknown, a: Account) =>
                a.window ?? (a.department ? (departmentName.get(a.department) ?? a.department) : '—'),
            },
            { title: 'B 岗', dataIndex: 'backup', render: (b: string | null) => b ?? '—' },
            {
              title: '状态',
              render: (_: unknown, a: Account) => (
                <Space>
                  {a.away && <Tag color="#8a4b00">离岗</Tag>}
                  <Switch
                    size="small"
                    checked={a.active}
                    aria-label={`${a.username} 账号启用`}
                    onChange={(active) =>
                      run(
                        () => api(`/users/${encodeURIComponent(a.username)}`, { method: 'PATCH', body: { active } }),
                        active ? `已启用 ${a.username}` : `已停用 ${a.username}`,
                      )
                    }
                  />
                  {a.role === 'reviewer' && a.backup && (
                    <Button
                      size="small"
                      onClick={() =>
                        run(
                          () =>
                            api(`/users/${encodeURIComponent(a.username)}/away`, {
                              method: 'POST',
                              body: { away: !a.away },
                            }),
                          a.away ? `${a.username} 已返岗` : `${a.username} 已标记离岗，由 ${a.backup} 顶岗`,
                        )
                      }
                    >
                      {a.away ? '标记返岗' : '标记离岗'}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
