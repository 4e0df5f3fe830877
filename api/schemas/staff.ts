/** Staff accounts and sessions: sign-in, the signed-in user, accounts (AB岗) and the staff-read log. */
import Type from 'typebox';
import { InstantValue, nullable } from './common.ts';

export const Me = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  roleName: Type.String(),
  window: nullable(Type.String()),
  department: nullable(Type.String()),
  departmentName: nullable(Type.String()),
  /** AB岗: the away colleagues this user stands in for. */
  standsInFor: Type.Array(Type.Object({ username: Type.String(), department: Type.String() })),
});

export const LoginAnswer = Type.Object({
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
  idleMinutes: Type.Integer(),
  maxHours: Type.Integer(),
  user: Me,
});

export const UserView = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  window: nullable(Type.String()),
  department: nullable(Type.String()),
  backup: nullable(Type.String()),
  away: Type.Boolean(),
  active: Type.Boolean(),
});

export const StaffRead = Type.Object({
  id: Type.Integer(),
  at: InstantValue,
  username: Type.String(),
  role: Type.String(),
  department: nullable(Type.String()),
  caseNo: Type.String(),
  view: Type.String(),
});
