import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { Suspense, useEffect } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession, useViewer } from './lib/auth';
import { mayVisit, navFor } from './lib/roles';
import NoAccess from './pages/NoAccess';

const ROLE_NAMES: Record<string, string> = {
  DISTRICT_ADMIN: 'District admin',
  SCHOOL_ADMIN: 'School admin',
  TEACHER: 'Teacher',
  AIDE: 'Aide',
  PARTNER: 'Partner',
  STAFF: 'Staff',
  STUDENT: 'Student',
  GUARDIAN: 'Guardian',
};

export function Layout() {
  const viewer = useViewer();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  useEffect(() => close(), [location.pathname, close]);
  const links = navFor(viewer.role);
  // Folded away on a phone, the menu is out of the tab order and hidden from screen readers.
  const phone = useMediaQuery('(max-width: 47.99em)');
  const folded = !!phone && !opened;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" aria-controls="main-nav" aria-expanded={opened} />
            <Title order={1} size="h3">
              Homeroom
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              {viewer.district.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="sm">
              {viewer.person ? `${viewer.person.displayName} · ${ROLE_NAMES[viewer.role]}` : ROLE_NAMES[viewer.role]}
            </Text>
            <Button
              variant="default"
              size="xs"
              onClick={async () => {
                await signOut();
                navigate('/signin', { replace: true });
              }}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main" id="main-nav" style={folded ? { visibility: 'hidden' } : undefined}>
        {links.map((l) => (
          <NavLink key={l.to} component={RouterNavLink} to={l.to} label={l.label} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense
          fallback={
            <Center p="xl">
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          {mayVisit(viewer.role, location.pathname) ? <Outlet /> : <NoAccess />}
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
