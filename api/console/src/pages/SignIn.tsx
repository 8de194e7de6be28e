import { Alert, Anchor, Button, Center, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import { ViewerDoc, useSession } from '../lib/auth';
import { describeError, errorsByField, otherErrors } from '../lib/errors';
import { homeFor } from '../lib/roles';
import { setToken, type TokenKind } from '../lib/session';

const ResetDoc = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

const LoginDoc = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      userErrors { field message code }
    }
  }
`);

const ProvidersDoc = graphql(`
  query SignInProviders {
    signInProviders { id displayName }
  }
`);

const CompleteDoc = graphql(`
  mutation CompleteSignIn($code: String!) {
    completeSignIn(code: $code) {
      token
      userErrors { field message code }
    }
  }
`);

// Why single sign-on sent the browser back without signing in (`?signin_error=`).
const SSO_ERRORS: Record<string, string> = {
  no_account: 'No Homeroom account matches that sign-in. Ask your school to check the address it has for you.',
  invalid_state: 'That sign-in expired or was started in another browser. Try again.',
  denied: 'The sign-in was cancelled.',
  invalid_token: 'The sign-in could not be verified. Try again.',
  unknown_provider: 'That sign-in option is no longer available.',
};

export function SignIn() {
  const client = useClient();
  const navigate = useNavigate();
  const { token, viewer } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [loginErrors, setLoginErrors] = useState<Record<string, string>>({});
  const [loginOther, setLoginOther] = useState<string[]>([]);
  const [apiToken, setApiToken] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'login' | 'token' | 'reset' | null>(null);
  const [resetNote, setResetNote] = useState<string | null>(null);
  const [params, setParams] = useSearchParams();
  const [{ data: providers }] = useQuery({ query: ProvidersDoc });
  const [ssoError, setSsoError] = useState<string | null>(null);
  const exchanged = useRef(false);

  // Single sign-on comes back with a one-time code (`?signin=`), exchanged at once for a
  // session; the code leaves the address bar first.
  useEffect(() => {
    const code = params.get('signin');
    const failure = params.get('signin_error');
    if ((!code && !failure) || exchanged.current) return;
    exchanged.current = true;
    setParams({}, { replace: true });
    if (failure) {
      setSsoError(SSO_ERRORS[failure] ?? 'Single sign-on is not available right now. Try again later.');
      return;
    }
    void (async () => {
      const result = await client.mutation(CompleteDoc, { code: code ?? '' }).toPromise();
      const session = result.data?.completeSignIn.token;
      if (session) {
        const err = await adopt(session, 'login');
        if (err) setSsoError(err);
      } else {
        setSsoError('That sign-in expired. Try again.');
      }
    })();
  }, [params]);

  if (token && viewer) return <Navigate to={homeFor(viewer.role)} replace />;

  // Checks a token by asking who it is before keeping it.
  async function adopt(candidate: string, kind: TokenKind): Promise<string | null> {
    const result = await client
      .query(ViewerDoc, {}, {
        requestPolicy: 'network-only',
        fetchOptions: { headers: { authorization: `Bearer ${candidate}` } },
      })
      .toPromise();
    if (result.error || !result.data) {
      const code = result.error?.graphQLErrors[0]?.extensions?.code;
      return code === 'UNAUTHENTICATED' ? 'This token is not valid (it may have been revoked).' : describeError(result.error);
    }
    setToken(candidate, kind);
    navigate(homeFor(result.data.viewer.role), { replace: true });
    return null;
  }

  async function onLogin(e: FormEvent) {
    e.preventDefault();
    setBusy('login');
    setLoginErrors({});
    setLoginOther([]);
    const result = await client.mutation(LoginDoc, { email, password }).toPromise();
    if (result.error) {
      setLoginOther([describeError(result.error) ?? 'Sign-in failed.']);
    } else if (result.data?.login.token) {
      const err = await adopt(result.data.login.token, 'login');
      if (err) setLoginOther([err]);
    } else {
      const errs = result.data?.login.userErrors ?? [];
      setLoginErrors(errorsByField(errs));
      setLoginOther(otherErrors(errs, ['email', 'password']));
    }
    setBusy(null);
  }

  // The same answer whatever the address: nothing here tells whether it has an account.
  async function onForgot() {
    setLoginErrors({});
    setLoginOther([]);
    if (!email.trim()) {
      setLoginErrors({ email: 'Enter your email address first.' });
      return;
    }
    setBusy('reset');
    const result = await client.mutation(ResetDoc, { email }).toPromise();
    setBusy(null);
    if (result.error) setLoginOther([describeError(result.error) ?? 'Could not ask for a reset link.']);
    else setResetNote(`If ${email.trim()} belongs to an account, a link to choose a new password is on its way. It works for 30 minutes.`);
  }

  async function onToken(e: FormEvent) {
    e.preventDefault();
    if (!apiToken.trim()) {
      setTokenError('Paste an API token.');
      return;
    }
    setBusy('token');
    setTokenError(await adopt(apiToken.trim(), 'token'));
    setBusy(null);
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h2">
            Sign in to Homeroom
          </Title>
          <form onSubmit={onLogin} noValidate>
            <Stack gap="sm">
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                withAsterisk={false}
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={loginErrors.email}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                withAsterisk={false}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={loginErrors.password}
              />
              {loginOther.length > 0 && (
                <Alert color="red" role="alert" title="Could not sign in">
                  {loginOther.join(' ')}
                </Alert>
              )}
              <Button type="submit" loading={busy === 'login'}>
                Sign in
              </Button>
              <Button variant="subtle" size="compact-sm" onClick={onForgot} loading={busy === 'reset'}>
                Forgot your password?
              </Button>
              {resetNote && (
                <Text size="sm" role="status">
                  {resetNote}
                </Text>
              )}
            </Stack>
          </form>
          {ssoError && (
            <Alert color="red" role="alert" title="Could not sign in">
              {ssoError}
            </Alert>
          )}
          {(providers?.signInProviders.length ?? 0) > 0 && (
            <Stack gap="xs">
              {providers?.signInProviders.map((p) => (
                <Button key={p.id} component="a" href={`/auth/${encodeURIComponent(p.id)}/start`} variant="default">
                  Sign in with {p.displayName}
                </Button>
              ))}
            </Stack>
          )}
          <Divider label="Operators and demo" labelPosition="center" />
          <form onSubmit={onToken} noValidate>
            <Stack gap="sm">
              <PasswordInput
                label="API token"
                description={
                  <>
                    From <Anchor component="span" size="xs" c="inherit">homeroom token create</Anchor> or{' '}
                    <code>serve --demo</code>
                  </>
                }
                autoComplete="off"
                value={apiToken}
                onChange={(e) => setApiToken(e.currentTarget.value)}
                error={tokenError}
              />
              <Button type="submit" variant="default" loading={busy === 'token'}>
                Use token
              </Button>
            </Stack>
          </form>
          <Text size="xs" c="dimmed">
            Your session stays in this browser tab until you sign out or close it.
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
