import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { Home } from './pages/Home.tsx';
import { Login } from './pages/Login.tsx';
import { Track } from './pages/Track.tsx';
import { Verify } from './pages/Verify.tsx';
import { RequireRole, useSession, type Role } from './session.tsx';

// The staff pages (slider, timeline, tables, charts, date picker) load on demand: a phone opening /verify or /track
// from a QR code or a link downloads less.
const Audit = lazy(() => import('./pages/Audit.tsx').then((m) => ({ default: m.Audit })));
const Supervision = lazy(() => import('./pages/Supervision.tsx').then((m) => ({ default: m.Supervision })));
const Window = lazy(() => import('./pages/window/Window.tsx').then((m) => ({ default: m.Window })));
const Users = lazy(() => import('./pages/users/Users.tsx').then((m) => ({ default: m.Users })));
const Kiosk = lazy(() => import('./pages/hall/Kiosk.tsx').then((m) => ({ default: m.Kiosk })));
const Board = lazy(() => import('./pages/hall/Board.tsx').then((m) => ({ default: m.Board })));
const Booking = lazy(() => import('./pages/hall/Booking.tsx').then((m) => ({ default: m.Booking })));
const Inbox = lazy(() => import('./pages/inbox/Inbox.tsx').then((m) => ({ default: m.Inbox })));
const Feedback = lazy(() => import('./pages/Feedback.tsx').then((m) => ({ default: m.Feedback })));
const Disclosure = lazy(() => import('./pages/Disclosure.tsx').then((m) => ({ default: m.Disclosure })));
const ComplaintDesk = lazy(() =>
  import('./pages/feedback/ComplaintDesk.tsx').then((m) => ({ default: m.ComplaintDesk })),
);

const STAFF: Role[] = ['clerk', 'reviewer', 'head', 'supervisor', 'auditor'];

/** The pages (the server answers index.html for exactly these paths: api/webApp.ts UI_ROUTES). */
const NAV: Array<{ to: string; label: string; roles?: Role[] }> = [
  { to: '/window', label: '综合窗口', roles: ['clerk'] },
  { to: '/inbox', label: '待办', roles: ['reviewer', 'head'] },
  { to: '/track', label: '办件查询' },
  { to: '/booking', label: '预约办事' },
  { to: '/verify', label: '证照核验' },
  { to: '/feedback', label: '投诉咨询' },
  { to: '/disclosure', label: '办件公示' },
  { to: '/complaint-desk', label: '投诉咨询受理', roles: STAFF },
  { to: '/audit', label: '审计', roles: ['auditor', 'supervisor'] },
  { to: '/supervision', label: '电子监察', roles: ['supervisor', 'auditor', 'head'] },
  { to: '/accounts', label: '用户管理', roles: ['admin'] },
];

function UserBar() {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  if (user === undefined) return null;
  if (user === null) {
    return (
      <Link to="/login" className="user-bar">
        工作人员登录
      </Link>
    );
  }
  return (
    <div className="user-bar" aria-label="当前用户">
      <span data-testid="current-user">
        {user.displayName}（{user.roleName}
        {user.departmentName ? ` · ${user.departmentName}` : ''}
        {user.window ? ` · 窗口 ${user.window}` : ''}）
      </span>
      <Button
        size="small"
        onClick={async () => {
          await logout();
          navigate('/login');
        }}
      >
        退出
      </Button>
    </div>
  );
}

/** The hall's screens (kiosk, call board) fill the screen: no header, navigation or footer. */
const HALL_SCREENS: Record<string, React.ComponentType> = { '/kiosk': Kiosk, '/board': Board };

export function App() {
  const { user } = useSession();
  const { pathname } = useLocation();
  const Screen = HALL_SCREENS[pathname];
  if (Screen) {
    return (
      <main id="main" className="hall-screen">
        <Suspense fallback={<Spin aria-label="正在加载" />}>
          <Screen />
        </Suspense>
      </main>
    );
  }
  const nav = NAV.filter((item) => !item.roles || (user && item.roles.includes(user.role)));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <header className="top no-print">
        <Link to="/" className="brand">
          政务服务中心 一门式审批
        </Link>
        <nav aria-label="主导航">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <UserBar />
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Spin aria-label="正在加载" />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/login" element={<Login />} />
            <Route path="/track" element={<Track />} />
            <Route path="/verify" element={<Verify />} />
            <Route path="/booking" element={<Booking />} />
            <Route path="/verify/:number" element={<Verify />} />
            <Route path="/feedback" element={<Feedback />} />
            <Route path="/disclosure" element={<Disclosure />} />
            <Route
              path="/complaint-desk"
              element={
                <RequireRole roles={STAFF}>
                  <ComplaintDesk />
                </RequireRole>
              }
            />
            <Route
              path="/window"
              element={
                <RequireRole roles={['clerk']}>
                  <Window />
                </RequireRole>
              }
            />
            <Route
              path="/inbox"
              element={
                <RequireRole roles={['reviewer', 'head']}>
                  <Inbox />
                </RequireRole>
              }
            />
            <Route
              path="/audit"
              element={
                <RequireRole roles={['auditor', 'supervisor']}>
                  <Audit />
                </RequireRole>
              }
            />
            <Route
              path="/supervision"
              element={
                <RequireRole roles={['supervisor', 'auditor', 'head']}>
                  <Supervision />
                </RequireRole>
              }
            />
            <Route
              path="/accounts"
              element={
                <RequireRole roles={['admin']}>
                  <Users />
                </RequireRole>
              }
            />
            <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/">返回首页</Link>} />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="foot no-print">政务服务中心 · 一门式审批 · 一次办好</footer>
    </div>
  );
}
