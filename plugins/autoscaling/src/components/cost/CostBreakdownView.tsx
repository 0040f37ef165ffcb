import type { CostBreakdown } from '@internal/plugin-autoscaling-common';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import Grid from '@mui/material/Grid';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import CheckIcon from '@mui/icons-material/CheckCircleOutline';
import CrossIcon from '@mui/icons-material/HighlightOff';
import UnknownIcon from '@mui/icons-material/HelpOutline';
import { formatMoney } from '../../lib/format';
import { StatusChip } from '../common/StatusChip';

function Figure(props: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <Box data-testid={props.testId}>
      <Typography variant="overline" color="text.secondary">
        {props.label}
      </Typography>
      <Typography variant="h6" component="p">
        {props.value}
      </Typography>
      {props.hint && (
        <Typography variant="caption" color="text.secondary">
          {props.hint}
        </Typography>
      )}
    </Box>
  );
}

type ChecklistItem = NonNullable<CostBreakdown['spot']>['checklist'][number];

const UNKNOWN_SUFFIX = /\s*\(unknown\)\s*$/i;

/**
 * A checklist item whose answer the engine could not find out (it writes "… (unknown)" and
 * counts it as not ready): unknown, not a failure.
 */
export function checklistState(
  item: ChecklistItem & { known?: boolean },
): 'yes' | 'no' | 'unknown' {
  if (item.ok) return 'yes';
  if (item.known === false || UNKNOWN_SUFFIX.test(item.item)) return 'unknown';
  return 'no';
}

function spotLabel(
  spot: NonNullable<CostBreakdown['spot']>,
  offersSavings: boolean,
  money: (v: number) => string,
): string {
  if (!spot.suitable) {
    const states = spot.checklist.map(checklistState);
    // Nothing failed, something is not known: the answer is "not confirmed", not "no".
    if (!states.includes('no') && states.includes('unknown'))
      return 'Not confirmed: some checks are unknown';
    return 'Not suitable';
  }
  return offersSavings
    ? `Suitable, saves ${money(spot.monthlySavings)}/month`
    : 'Suitable';
}

function ChecklistIcon({ state }: { state: 'yes' | 'no' | 'unknown' }) {
  if (state === 'yes')
    return <CheckIcon color="success" fontSize="small" titleAccess="yes" />;
  if (state === 'no')
    return <CrossIcon color="error" fontSize="small" titleAccess="no" />;
  return <UnknownIcon color="action" fontSize="small" titleAccess="unknown" />;
}

/** Now, month-to-date, projected month with its band, savings and spot advice. */
export function CostBreakdownView({
  cost,
  savingsWithheld,
}: {
  cost: CostBreakdown;
  /** Why no savings are offered (e.g. an under-provisioned workload), when none are. */
  savingsWithheld?: string;
}) {
  const money = (v: number | null | undefined) => formatMoney(v, cost.currency);
  const totalSavings = cost.savings.reduce((sum, s) => sum + s.monthly, 0);
  const offersSavings = !savingsWithheld;
  return (
    <Box>
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <Figure
            testId="cost-hourly"
            label="Now"
            value={`${money(cost.hourly)}/h`}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Figure
            testId="cost-mtd"
            label="Month to date"
            value={money(cost.monthToDate)}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Figure
            testId="cost-projected"
            label="Projected month"
            value={money(cost.projectedMonth.value)}
            hint={`between ${money(cost.projectedMonth.lower)} and ${money(
              cost.projectedMonth.upper,
            )}`}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Figure
            testId="cost-savings"
            label="Possible savings"
            value={offersSavings ? `${money(totalSavings)}/month` : 'None'}
            hint={savingsWithheld}
          />
        </Grid>
      </Grid>
      {offersSavings && cost.savings.length > 0 && (
        <List dense aria-label="Savings">
          {cost.savings.map(s => (
            <ListItem key={`${s.kind}-${s.description}`} disableGutters>
              <ListItemText
                primary={`${money(s.monthly)}/month — ${s.description}`}
                secondary={
                  s.kind === 'spot'
                    ? 'Advice only: nothing moves to spot automatically.'
                    : undefined
                }
              />
            </ListItem>
          ))}
        </List>
      )}
      {cost.spot && (
        <>
          <Divider sx={{ my: 1 }} />
          <Box display="flex" alignItems="center" gap={1}>
            <Typography variant="subtitle2" component="h3">
              Spot instances
            </Typography>
            <StatusChip
              size="small"
              tone={cost.spot.suitable ? 'success' : 'default'}
              label={spotLabel(cost.spot, offersSavings, money)}
            />
          </Box>
          <List dense aria-label="Spot suitability checklist">
            {cost.spot.checklist.map(item => (
              <ListItem key={item.item} disableGutters>
                <ListItemIcon sx={{ minWidth: 32 }}>
                  <ChecklistIcon state={checklistState(item)} />
                </ListItemIcon>
                <ListItemText
                  primary={item.item.replace(UNKNOWN_SUFFIX, '')}
                  secondary={
                    checklistState(item) === 'unknown'
                      ? 'Unknown: the cluster did not say'
                      : undefined
                  }
                />
              </ListItem>
            ))}
          </List>
        </>
      )}
    </Box>
  );
}
