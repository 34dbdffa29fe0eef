/**
 * Reports shaped after what Bambu printers send (written for these tests, not copied from captures):
 * a full push_status answer to pushall and the small deltas P1/A1 firmware sends in between.
 */
export type Report = Record<string, unknown>;

export function fullReport(overrides: Report = {}): Report {
  return {
    command: 'push_status',
    msg: 0,
    sequence_id: '100',
    gcode_state: 'IDLE',
    print_type: 'idle',
    mc_percent: 0,
    mc_remaining_time: 0,
    layer_num: 0,
    total_layer_num: 0,
    print_error: 0,
    fail_reason: '0',
    task_id: '0',
    subtask_id: '',
    subtask_name: '',
    gcode_file: '',
    gcode_start_time: '0',
    stg_cur: 255,
    hms: [],
    bed_temper: 24.5,
    nozzle_temper: 25.1,
    wifi_signal: '-48dBm',
    ams: {
      ams: [
        {
          id: '0',
          humidity: '4',
          temp: '23.1',
          tray: [
            { id: '0', tray_type: 'PLA', tray_color: 'F2754EFF', tray_sub_brands: 'PLA Basic', remain: 80 },
            { id: '1', tray_type: 'PETG', tray_color: '000000FF', tray_sub_brands: 'PETG HF', remain: 55 },
          ],
        },
      ],
      tray_now: '255',
    },
    vt_tray: { id: '254', tray_type: 'TPU', tray_color: 'FFFFFFFF', tray_sub_brands: '' },
    nozzle_diameter: '0.4',
    nozzle_type: 'stainless_steel',
    ipcam: { ipcam_record: 'enable', timelapse: 'disable', rtsp_url: 'disable' },
    ...overrides,
  };
}

/** The AMS (or, with 254, the external spool) feeding the nozzle now: a P1-style delta of `ams.tray_now`. */
export function trayNow(index: number): Report {
  return delta({ ams: { tray_now: String(index), tray_tar: String(index) } });
}

/** A delta as P1/A1 firmware sends it: only what changed. */
export function delta(fields: Report): Report {
  return { command: 'push_status', msg: 1, ...fields };
}

export function versionReport(productName: string, serial: string): Report {
  return {
    command: 'get_version',
    sequence_id: '0',
    module: [
      { name: 'ota', sw_ver: '01.08.02.00', hw_ver: 'OTA', sn: serial, product_name: productName },
      { name: 'mc', sw_ver: '00.01.32.85', hw_ver: 'MC07', sn: 'redacted' },
    ],
    result: 'success',
    reason: '',
  };
}

/** A finished job still reported by an idle printer (the classic duplicate "done"). */
export function idleAfterFinish(): Report {
  return fullReport({
    gcode_state: 'FINISH',
    mc_percent: 100,
    layer_num: 88,
    total_layer_num: 88,
    task_id: '0',
    subtask_name: 'old_bracket',
    gcode_start_time: '1763900000',
  });
}
