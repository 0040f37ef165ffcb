import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { useWatch } from 'react-hook-form';
import {
  POLICY_PRESETS,
  type PresetName,
} from '@internal/plugin-autoscaling-common';
import { SelectField } from '../fields/SelectField';
import { Section } from './Section';

const PRESET_OPTIONS = (Object.keys(POLICY_PRESETS) as PresetName[]).map(
  name => ({
    value: name,
    label: name[0].toLocaleUpperCase('en-US') + name.slice(1),
  }),
);

/** Named starting points for behaviour and cooldown; explicit fields below still win. */
export function PresetSection() {
  const preset = useWatch({ name: 'preset' }) as PresetName | undefined;
  return (
    <Section
      title="Preset"
      description="A preset fills behaviour and cooldown; fields you set explicitly win over it."
    >
      <Grid container spacing={2} alignItems="center">
        <Grid item xs={12} md={4}>
          <SelectField
            name="preset"
            label="Preset"
            allowInherit
            options={PRESET_OPTIONS}
          />
        </Grid>
        <Grid item xs={12} md={8}>
          <Typography variant="body2" data-testid="preset-description">
            {preset
              ? POLICY_PRESETS[preset]?.description
              : 'No preset at this level.'}
          </Typography>
        </Grid>
      </Grid>
    </Section>
  );
}
