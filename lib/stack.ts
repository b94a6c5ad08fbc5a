/**
 * The stack `npx cdk deploy` creates: environment-agnostic (no account or
 * region at synth, no context lookups), so synth works offline without
 * credentials. Everything in it comes from the Watchpost construct.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Watchpost, type WatchpostProps } from './watchpost.ts';

export interface WatchpostStackProps extends StackProps {
  readonly watchpost: WatchpostProps;
}

export class WatchpostStack extends Stack {
  readonly watchpost: Watchpost;

  constructor(scope: Construct, id: string, props: WatchpostStackProps) {
    super(scope, id, {
      description: 'Watchpost: scheduled synthetic checks, their alarms, alert topics and dashboards',
      ...props,
    });
    this.watchpost = new Watchpost(this, 'Watchpost', props.watchpost);
  }
}
