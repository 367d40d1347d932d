/** The browser dashboard: its page and assets, and the reference-cell views it draws. */
import { Module } from '@nestjs/common';
import { ModelsModule } from '../models.module.js';
import { CellController } from './cell.controller.js';
import { DashboardController } from './dashboard.controller.js';

@Module({
  imports: [ModelsModule],
  controllers: [CellController, DashboardController],
})
export class DashboardModule {}
