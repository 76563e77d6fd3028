import { BusinessesPanel, ReservationsPanel } from './businesses-view';
import { InboxPanels } from './inbox-panel';
import { StatsPanel } from './stats-view';
import { TasksPanel } from './tasks-view';

/** Businesses, stats and tasks together. */
export function DashboardView() {
  return (
    <div className="page">
      <h1 className="page__title">Dashboard</h1>
      <StatsPanel compact />
      <InboxPanels />
      <div className="grid grid--2-1">
        <BusinessesPanel limit={8} />
        <TasksPanel limit={5} />
      </div>
      <ReservationsPanel limit={5} />
    </div>
  );
}
