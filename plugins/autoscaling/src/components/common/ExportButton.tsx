import { useState } from 'react';
import Button from '@mui/material/Button';
import DownloadIcon from '@mui/icons-material/Download';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { saveBlob } from '../../lib/download';
import { describeError } from '../../lib/errors';

const exportError = (e: unknown) => {
  const { title, cause } = describeError(e);
  return `${title}. ${cause}`;
};

/** Downloads an export through the API client (so the user's identity is sent). */
export function ExportButton(props: {
  label: string;
  fileName: string;
  fetchBlob: () => Promise<Blob>;
  disabled?: boolean;
}) {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      saveBlob(await props.fetchBlob(), props.fileName);
    } catch (e) {
      alertApi.post({
        message: `Export failed: ${exportError(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="small"
      variant="outlined"
      startIcon={<DownloadIcon />}
      onClick={onClick}
      disabled={props.disabled || busy}
    >
      {props.label}
    </Button>
  );
}
