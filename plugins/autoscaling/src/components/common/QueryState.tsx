import { ReactNode } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

export interface QueryStateProps<T> {
  query: {
    isPending: boolean;
    isError: boolean;
    error: Error | null;
    data: T | undefined;
  };
  /** Returns true when the data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  emptyTitle?: string;
  emptyDescription?: string;
  /** Render an inline (small) empty state instead of Backstage's illustrated one. */
  compact?: boolean;
  children: (data: T) => ReactNode;
}

/** Loading, error, empty and data states of one query, the same way in every view. */
export function QueryState<T>(props: QueryStateProps<T>) {
  const {
    query,
    isEmpty,
    emptyTitle = 'Nothing here yet',
    emptyDescription,
    compact,
  } = props;
  if (query.isPending) return <Progress aria-label="Loading" />;
  if (query.isError) {
    return (
      <ResponseErrorPanel error={query.error ?? new Error('Unknown error')} />
    );
  }
  const data = query.data as T;
  if (isEmpty?.(data)) {
    if (compact) {
      return (
        <Box py={2} data-testid="empty-state">
          <Typography variant="subtitle2" component="p">
            {emptyTitle}
          </Typography>
          {emptyDescription && (
            <Typography variant="body2" color="text.secondary">
              {emptyDescription}
            </Typography>
          )}
        </Box>
      );
    }
    return (
      <EmptyState
        missing="data"
        title={emptyTitle}
        description={emptyDescription}
      />
    );
  }
  return <>{props.children(data)}</>;
}
