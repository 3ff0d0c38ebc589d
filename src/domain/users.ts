export const USER_ROLES = ['seller', 'buyer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: number;
  username: string;
  role: UserRole;
  created_at: number;
}

/** Who is calling: the owner of the API key that authenticated the request. */
export interface Actor {
  user: User;
  apiKeyId: number | null;
  isAdmin: boolean;
}

export function actorFor(user: User, apiKeyId: number | null): Actor {
  return { user, apiKeyId, isAdmin: user.role === 'admin' };
}
