import net from 'node:net';

/** A port free on loopback right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a port can be listened on at 127.0.0.1 right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Stop start-up when a fixed port is taken, naming the variable that moves it. */
export async function requireFreePort(port: number, variable: string, what: string): Promise<void> {
  if (!(await portFree(port))) {
    throw new Error(`端口 ${port}（${what}）已被占用：请设置 ${variable} 换一个端口，或先停止占用它的进程。`);
  }
}
