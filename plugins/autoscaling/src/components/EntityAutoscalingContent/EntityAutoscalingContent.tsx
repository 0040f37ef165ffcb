import { useEntity } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../../api';
import { QueryProvider } from '../QueryProvider';

function EntityAutoscalingView() {
  const { entity } = useEntity();
  const api = useApi(autoscalingApiRef);
  const health = useQuery({
    queryKey: ['autoscaling', 'health'],
    queryFn: () => api.getHealth(),
  });

  if (health.isPending) return <Progress />;
  if (health.isError) return <ResponseErrorPanel error={health.error} />;
  return (
    <Content>
      <EmptyState
        missing="data"
        title="No scaling data yet"
        description={`The autoscaling engine has not evaluated ${stringifyEntityRef(
          entity,
        )} yet. Its state, forecast and recommendations appear here after the first evaluation.`}
      />
    </Content>
  );
}

/** The Autoscaling tab of a Component. */
export function EntityAutoscalingContent() {
  return (
    <QueryProvider>
      <EntityAutoscalingView />
    </QueryProvider>
  );
}
