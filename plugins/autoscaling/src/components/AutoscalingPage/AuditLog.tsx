import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import { AuditQuery, autoscalingApiRef } from '../../api';
import { useAuditEvents } from '../../hooks/usePlatformData';
import { usePermissions } from '../../hooks/usePermissions';
import { formatDateTime, formatPolicyValue } from '../../lib/format';
import { PERMISSION_REASONS } from '../../lib/permissions';
import { ExportButton } from '../common/ExportButton';
import { QueryState } from '../common/QueryState';
import { AuditVerificationStatus } from './AuditVerificationStatus';
import { CARD_TITLE } from '../common/cardTitle';

const ACTIONS = [
  'policy.update',
  'change.request',
  'change.approve',
  'change.reject',
  'workload.scale',
  'workload.rollback',
  'engine.kill-switch',
  'engine.actuate',
];

/** The audit log with filters, export and the hash-chain verification. */
export function AuditLog() {
  const api = useApi(autoscalingApiRef);
  const { permissions, loading } = usePermissions();
  const [filter, setFilter] = useState<AuditQuery>({ limit: 200 });
  const canRead = permissions.canReadAudit;
  const events = useAuditEvents(filter, canRead);
  const set = (key: keyof AuditQuery) => (e: { target: { value: string } }) =>
    setFilter(f => ({ ...f, [key]: e.target.value || undefined }));

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
          placeholder="component:default/checkout-api"
          value={filter.entityRef ?? ''}
          onChange={set('entityRef')}
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
              {a}
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
              {e.map(event => (
                <TableRow key={event.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(event.at)}
                  </TableCell>
                  <TableCell>{event.actor}</TableCell>
                  <TableCell>{event.action}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-word' }}>
                    {event.target}
                  </TableCell>
                  <TableCell>{event.reason}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-word', maxWidth: 320 }}>
                    <code>{formatPolicyValue(event.after)}</code>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </QueryState>
    </InfoCard>
  );
}
