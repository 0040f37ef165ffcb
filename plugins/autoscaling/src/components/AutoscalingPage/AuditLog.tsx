import { useMemo, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { AuditEvent } from '@internal/plugin-autoscaling-common';
import { AuditQuery, autoscalingApiRef } from '../../api';
import { useAuditEvents } from '../../hooks/usePlatformData';
import { usePermissions } from '../../hooks/usePermissions';
import {
  AUDIT_ACTION_LABELS,
  auditActionLabel,
  describeAuditChange,
  matchesEntity,
} from '../../lib/auditText';
import { formatDateTime, formatNumber } from '../../lib/format';
import { PERMISSION_REASONS } from '../../lib/permissions';
import { ExportButton } from '../common/ExportButton';
import { QueryState } from '../common/QueryState';
import { AuditVerificationStatus } from './AuditVerificationStatus';
import { CARD_TITLE } from '../common/cardTitle';

const ACTIONS = Object.keys(AUDIT_ACTION_LABELS);

/** Events fetched for the entity filter, which matches part of a ref in the browser. */
const FETCH_LIMIT = 1000;
const ROWS_PER_PAGE = [25, 50, 100];

/** The Change column: one "setting: old → new" line each, no JSON. */
function ChangeList({ event }: { event: AuditEvent }) {
  const lines = describeAuditChange(event);
  if (lines.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No setting changed
      </Typography>
    );
  }
  return (
    <Box
      component="ul"
      sx={{ m: 0, pl: 2, overflowWrap: 'break-word' }}
      aria-label="Change"
    >
      {lines.map(line => (
        <li key={line.label}>
          <strong>{line.label}:</strong> {line.text}
        </li>
      ))}
    </Box>
  );
}

/** The audit log with filters, export and the hash-chain verification. */
export function AuditLog() {
  const api = useApi(autoscalingApiRef);
  const { permissions, loading } = usePermissions();
  const [filter, setFilter] = useState<AuditQuery>({ limit: FETCH_LIMIT });
  const [entity, setEntity] = useState('');
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(ROWS_PER_PAGE[0]);
  const canRead = permissions.canReadAudit;
  const fetched = useAuditEvents(filter, canRead);
  // The backend matches whole refs only; "checkout" should find component:default/checkout-api.
  const events = useMemo(
    () =>
      fetched.data
        ? {
            ...fetched,
            data: fetched.data.filter(e => matchesEntity(e.target, entity)),
          }
        : fetched,
    [fetched, entity],
  );
  const set = (key: keyof AuditQuery) => (e: { target: { value: string } }) => {
    setPage(0);
    setFilter(f => ({ ...f, [key]: e.target.value || undefined }));
  };
  const truncated = (fetched.data?.length ?? 0) >= FETCH_LIMIT;
  // The page stays in range when a refetch brings fewer events.
  const pageOf = (count: number) =>
    Math.min(page, Math.max(0, Math.ceil(count / rowsPerPage) - 1));

  if (!loading && !canRead) {
    return <Alert severity="info">{PERMISSION_REASONS.readAudit}</Alert>;
  }
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Audit log"
      action={
        <Box display="flex" gap={1}>
          <ExportButton
            label="CSV"
            fileName="audit.csv"
            fetchBlob={() => api.exportAudit('csv')}
            disabled={!canRead}
          />
          <ExportButton
            label="JSON"
            fileName="audit.json"
            fetchBlob={() => api.exportAudit('json')}
            disabled={!canRead}
          />
        </Box>
      }
    >
      <AuditVerificationStatus enabled={canRead} />
      <Box
        display="flex"
        gap={2}
        my={2}
        flexWrap="wrap"
        role="search"
        aria-label="Audit filters"
      >
        <TextField
          size="small"
          label="Entity"
          placeholder="checkout-api"
          helperText="Any part of the ref"
          value={entity}
          onChange={e => {
            setPage(0);
            setEntity(e.target.value);
          }}
        />
        <TextField
          size="small"
          label="Actor"
          placeholder="user:default/alice"
          value={filter.actor ?? ''}
          onChange={set('actor')}
        />
        <TextField
          size="small"
          select
          label="Action"
          value={filter.action ?? ''}
          onChange={set('action')}
          sx={{ minWidth: 200 }}
        >
          <MenuItem value="">Any action</MenuItem>
          {ACTIONS.map(a => (
            <MenuItem key={a} value={a}>
              {auditActionLabel(a)}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <QueryState
        query={events}
        compact
        emptyTitle="No audit events match"
        isEmpty={e => e.length === 0}
      >
        {e => (
          <>
            {truncated && (
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                Showing matches among the latest {formatNumber(FETCH_LIMIT)}{' '}
                events; narrow by actor or action to reach older ones, or use
                the export.
              </Typography>
            )}
            <Table size="small" aria-label="Audit events">
              <TableHead>
                <TableRow>
                  <TableCell>When</TableCell>
                  <TableCell>Actor</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell>Target</TableCell>
                  <TableCell>Reason</TableCell>
                  <TableCell>Change</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {e
                  .slice(
                    pageOf(e.length) * rowsPerPage,
                    (pageOf(e.length) + 1) * rowsPerPage,
                  )
                  .map(event => (
                    <TableRow key={event.id}>
                      <TableCell sx={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(event.at)}
                      </TableCell>
                      <TableCell>{event.actor}</TableCell>
                      <TableCell title={event.action}>
                        {auditActionLabel(event.action)}
                      </TableCell>
                      <TableCell sx={{ wordBreak: 'break-word' }}>
                        {event.target}
                      </TableCell>
                      <TableCell>{event.reason}</TableCell>
                      <TableCell sx={{ minWidth: 240 }}>
                        <ChangeList event={event} />
                      </TableCell>
                    </TableRow>
                  ))}
              </TableBody>
            </Table>
            <TablePagination
              component="div"
              count={e.length}
              page={pageOf(e.length)}
              onPageChange={(_, p) => setPage(p)}
              rowsPerPage={rowsPerPage}
              rowsPerPageOptions={ROWS_PER_PAGE}
              onRowsPerPageChange={ev => {
                setRowsPerPage(Number(ev.target.value));
                setPage(0);
              }}
              labelRowsPerPage="Events per page"
            />
          </>
        )}
      </QueryState>
    </InfoCard>
  );
}
