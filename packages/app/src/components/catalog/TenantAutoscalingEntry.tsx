import { EntityLayout, EntitySwitch } from '@backstage/plugin-catalog';
import { Grid } from '@material-ui/core';
import {
  EntityTenantAutoscalingCard,
  EntityTenantAutoscalingContent,
  isTenantGroup,
} from '@internal/plugin-autoscaling';

/** The tenant (Group) Autoscaling tab: shown only for groups of type tenant or with a tier. */
export const TenantAutoscalingEntry = (
  <EntityLayout.Route
    path="/autoscaling"
    title="Autoscaling"
    if={isTenantGroup}
  >
    <EntityTenantAutoscalingContent />
  </EntityLayout.Route>
);

/** The tenant card on a Group's overview. */
export const TenantAutoscalingCard = (
  <EntitySwitch>
    <EntitySwitch.Case if={isTenantGroup}>
      <Grid item xs={12}>
        <EntityTenantAutoscalingCard />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);
