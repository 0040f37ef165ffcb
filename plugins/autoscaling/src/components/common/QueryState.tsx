import { ReactNode } from 'react';
import { EmptyState, Progress } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { describeError } from '../../lib/errors';
import Typography from '@mui/material/Typography';

export interface QueryStateProps<T> {
  query: {
    isPending: boolean;
    isError: boolean;
    error: Error | null;
    data: T | undefined;
    /** Offered as Retry when the query failed. */
    refetch?: () => unknown;
    isFetching?: boolean;
  };
  /** Returns true when the data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  emptyTitle?: string;
  emptyDescription?: string;
  /** Render an inline (small) empty state instead of Backstage's illustrated one. */
  compact?: boolean;
  children: (data: T) => ReactNode;
}

/** A failed query: what went wrong, its cause, and Retry. */
export function QueryError({
  query,
}: {
  query: Pick<
    QueryStateProps<unknown>['query'],
    'error' | 'refetch' | 'isFetching'
  >;
}) {
  const { title, cause } = describeError(query.error ?? 'unknown error');
  return (
    <Alert
      severity="error"
      data-testid="query-error"
      action={
        query.refetch && (
          <Button
            color="inherit"
            size="small"
            disabled={query.isFetching}
            onClick={() => query.refetch?.()}
          >
            {query.isFetching ? 'Retrying…' : 'Retry'}
          </Button>
        )
      }
    >
      <AlertTitle>{title}</AlertTitle>
      {cause}
    </Alert>
  );
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
  if (query.isError) return <QueryError query={query} />;
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
