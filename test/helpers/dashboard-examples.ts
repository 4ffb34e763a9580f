/** Dashboard bodies from AWS's documentation, shared by the dashboard tests. */

/** The first example of "Dashboard Body Structure and Syntax" (CloudWatch API Reference): a metric and a text widget. */
export const AWS_DOC_EXAMPLE = {
  start: '-PT6H',
  periodOverride: 'inherit',
  widgets: [
    {
      type: 'metric', x: 0, y: 0, width: 12, height: 6,
      properties: {
        metrics: [['AWS/EC2', 'CPUUtilization', 'InstanceId', 'i-012345']],
        period: 300, stat: 'Average', region: 'us-east-1', title: 'EC2 Instance CPU', liveData: false, legend: { position: 'right' },
      },
    },
    { type: 'text', x: 0, y: 7, width: 3, height: 3, properties: { markdown: 'Hello world' } },
  ],
};
