import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { Page } from '../components/common';

export default function NotFound() {
  return (
    <Page title="Page not found">
      <Text>
        There is no page here. <Anchor component={Link} to="/">Go to the start page</Anchor>.
      </Text>
    </Page>
  );
}
