import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { Result, Spin } from 'antd';
import { Home } from './pages/Home.tsx';
import { Track } from './pages/Track.tsx';
import { Verify } from './pages/Verify.tsx';

// The staff pages (slider, timeline, tables, date picker) load on demand: a phone opening /verify or /track from a QR
// code or a link downloads less.
const Audit = lazy(() => import('./pages/Audit.tsx').then((m) => ({ default: m.Audit })));
const Supervision = lazy(() => import('./pages/Supervision.tsx').then((m) => ({ default: m.Supervision })));

/** The pages (the server answers index.html for exactly these paths: api/webApp.ts UI_ROUTES). */
const NAV = [
  { to: '/track', label: '办件查询' },
  { to: '/verify', label: '证照核验' },
  { to: '/audit', label: '审计' },
  { to: '/supervision', label: '电子监察' },
];

export function App() {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <header className="top">
        <Link to="/" className="brand">
          政务服务中心 一门式审批
        </Link>
        <nav aria-label="主导航">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Spin aria-label="正在加载" />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/track" element={<Track />} />
            <Route path="/verify" element={<Verify />} />
            <Route path="/verify/:number" element={<Verify />} />
            <Route path="/audit" element={<Audit />} />
            <Route path="/supervision" element={<Supervision />} />
            <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/">返回首页</Link>} />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="foot">政务服务中心 · 一门式审批 · 一次办好</footer>
    </div>
  );
}
