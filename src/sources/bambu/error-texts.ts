/**
 * English texts for the Bambu Lab codes users meet most (print_error as MMMM_EEEE, HMS as
 * AAAA_AAAA_CCCC_CCCC). Any other code still gets a generic message and its wiki link.
 * An empty string marks a code Bambu publishes without text: such HMS entries are not reported.
 * AMS codes are stored for unit A (07 00 …); the decoder names the unit for the others.
 */
export const PRINT_ERROR_TEXTS: Readonly<Record<string, string>> = {
  '0300_400C': 'The task was canceled.',
  '0500_400E': 'Printing was cancelled.',
  '0500_400C': 'Please insert a MicroSD card and restart the print job.',
  '0300_4009': 'Homing the XY axes failed.',
  '1001_4001': 'Timelapse is not supported as Spiral Vase mode is enabled in slicing presets.',
  '0300_8004': 'Filament ran out. Please load new filament.',
  '0300_8015': 'The external spool ran out of filament. Please load new filament.',
  '0500_4054': 'An error was detected on the build plate.',
};

export const HMS_TEXTS: Readonly<Record<string, string>> = {
  '0300_0100_0001_0007': 'The heatbed temperature is abnormal; the sensor may have an open circuit.',
  '0300_0200_0001_0001': 'The nozzle temperature reading is abnormal; the nozzle temperature sensor may be broken.',
  '0300_0600_0001_0002': 'Motor A has a short circuit; it may have failed.',
  '0300_0A00_0001_0003': 'The sensitivity of force sensor 1 is too low; the electrical connection may be broken.',
  '0300_9500_0001_0001': 'The temperature sensor of the Laser Module may have a short circuit.',
  '0300_9900_0001_0001': 'The right side window appears to be open; the task has been paused.',
  '0500_0100_0003_0006': 'The SD card is not formatted; please format it.',
  '0700_0100_0002_0010': 'The assist motor resistance is abnormal. The assist motor may be faulty.',
  '07FF_7000_0002_0003':
    'Please check if the filament is coming out of the nozzle. If not, gently push the material and try to extrude again.',
  '0C00_0300_0003_0007':
    'Possible first layer defects have been detected. Please check the first layer quality and decide if the job should be stopped.',
  '0C00_0100_0002_000E': '',
  '0500_0600_0002_0070': '',
};
