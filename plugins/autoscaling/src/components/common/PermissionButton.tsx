import Button, { ButtonProps } from '@mui/material/Button';
import Tooltip from '@mui/material/Tooltip';

export interface PermissionButtonProps extends ButtonProps {
  /** When set, the button is disabled and the reason is its tooltip and accessible description. */
  disabledReason?: string;
}

/** A button that says why it is disabled. */
export function PermissionButton({
  disabledReason,
  disabled,
  ...props
}: PermissionButtonProps) {
  if (!disabledReason) return <Button disabled={disabled} {...props} />;
  return (
    <Tooltip title={disabledReason}>
      {/* A disabled button fires no events; the span carries the tooltip. */}
      <span data-disabled-reason={disabledReason}>
        <Button {...props} disabled aria-description={disabledReason} />
      </span>
    </Tooltip>
  );
}
