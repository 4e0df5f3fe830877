import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button, Card, Form, Input, Typography } from 'antd';
import { api, ApiError, errorText } from '../api.ts';
import { HOME, useSession, type User } from '../session.tsx';
import { SubmitError, useSubmit } from '../submit.tsx';
import { usePageTitle } from '../usePageTitle.ts';

/** Where to go after sign-in: the page that sent the user here (a path of this app only), else the role's home. */
function target(next: string | null, user: User): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')) return next;
  return HOME[user.role];
}

function loginError(e: unknown): string {
  if (e instanceof ApiError && e.code === 'invalid_credentials') return '用户名或密码错误，请重新输入。';
  if (e instanceof ApiError && e.code === 'too_many_failures') {
    return '登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系系统管理员。';
  }
  return errorText(e);
}

export function Login() {
  usePageTitle('登录');
  const { user, signedIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { submit, error, sending } = useSubmit();

  if (user) return <Navigate to={target(params.get('next'), user)} replace />;

  // Signing in is no command: it sends no Idempotency-Key.
  const login = (values: { username: string; password: string }) =>
    submit(async () => {
      const answer = await api<{ user: User }>('/auth/login', {
        method: 'POST',
        body: { username: values.username.trim(), password: values.password },
      });
      signedIn(answer.user);
      navigate(target(params.get('next'), answer.user), { replace: true });
    }, loginError);

  return (
    <div style={{ maxWidth: 400, margin: '24px auto' }}>
      <Typography.Title level={1}>工作人员登录</Typography.Title>
      <Card>
        <Form name="login" layout="vertical" onFinish={login} requiredMark={false}>
          <Form.Item
            label="用户名"
            name="username"
            rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <SubmitError title="登录失败" error={error} />
          <Button type="primary" htmlType="submit" loading={sending} block>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
