import { InfoCard } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import type { Decision } from '@internal/plugin-autoscaling-common';
import { useWorkloadHistory } from '../../hooks/useWorkloadData';
import { describeDecision, formatDateTime, modeLabel } from '../../lib/format';
import { forecastInfluence } from '../../lib/forecastText';
import { clampOf, clampShortLabel, describeClamp } from '../../lib/clamp';
import { QueryState } from '../common/QueryState';
import { ReasonList } from './ReasonList';
import { CARD_TITLE } from '../common/cardTitle';
import { StatusChip } from '../common/StatusChip';

const MAX_SHOWN = 10;

function outcomeColor(decision: Decision) {
  if (decision.outcome === 'applied') return 'success' as const;
  if (decision.outcome === 'failed' || decision.outcome === 'conflict')
    return 'error' as const;
  if (decision.outcome === 'kill-switch' || decision.kind === 'blocked')
    return 'warning' as const;
  return 'default' as const;
}

/** The latest decisions, newest first, each with its reasons in plain words. */
export function DecisionsCard({ workloadId }: { workloadId: string }) {
  const history = useWorkloadHistory(workloadId);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Recent decisions">
      <QueryState
        query={history}
        compact
        emptyTitle="No decisions yet"
        emptyDescription="Each evaluation that changes or holds the replica count is listed here with its reasons."
        isEmpty={h => h.decisions.length === 0}
      >
        {h => (
          <List aria-label="Recent decisions">
            {[...h.decisions]
              .sort((a, b) => b.at.localeCompare(a.at))
              .slice(0, MAX_SHOWN)
              .map(d => {
                const influence = forecastInfluence(d);
                const clamp = clampOf(d);
                return (
                  <ListItem
                    key={d.id}
                    divider
                    alignItems="flex-start"
                    sx={{ display: 'block' }}
                  >
                    <Box
                      display="flex"
                      gap={1}
                      alignItems="center"
                      flexWrap="wrap"
                    >
                      <Typography variant="body1">
                        {describeDecision(d)}
                      </Typography>
                      <StatusChip
                        size="small"
                        tone={outcomeColor(d)}
                        label={d.outcome}
                      />
                      <Chip
                        size="small"
                        variant="outlined"
                        label={modeLabel(d.mode)}
                      />
                      {clamp?.holdsBack && (
                        <StatusChip
                          size="small"
                          tone="warning"
                          label={`Clamped: ${clampShortLabel(clamp.by)}`}
                          title={describeClamp(clamp)}
                          data-testid="decision-clamp-chip"
                        />
                      )}
                      {influence && (
                        <StatusChip
                          size="small"
                          variant="outlined"
                          tone="primary"
                          label="Forecast"
                          data-testid="decision-forecast-chip"
                        />
                      )}
                    </Box>
                    {influence && (
                      <Typography
                        variant="body2"
                        data-testid="decision-forecast"
                      >
                        {influence.text}
                      </Typography>
                    )}
                    <Typography variant="caption" color="text.secondary">
                      {formatDateTime(d.at)}
                      {d.error ? ` · ${d.error}` : ''}
                    </Typography>
                    <ReasonList reasons={d.reasons} />
                  </ListItem>
                );
              })}
          </List>
        )}
      </QueryState>
    </InfoCard>
  );
}
